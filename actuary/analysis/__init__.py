"""The analysis engine behind the review pack: what a run's results say, computed from the
projection, the rate solver and the budget draft (the report only lays them out).

- :mod:`~actuary.analysis.reconciliation`: the data's accounts against balances, collections,
  payments (:func:`reconcile`, :func:`annual_province_totals`),
- :mod:`~actuary.analysis.backtest`: the economy model's rolling-origin backtest table,
- :mod:`~actuary.analysis.rate_solution`: the rate solver on the baseline flows, flattened,
- :mod:`~actuary.analysis.scenarios`: budget-year key figures per scenario, the central statistic,
- :mod:`~actuary.analysis.sensitivity`: one-at-a-time sensitivity with common random numbers
  (entries from :mod:`~actuary.spec.sensitivity`),
- :mod:`~actuary.analysis.change`: the analysis of change since the previous run
  (:class:`ModelCache`, :func:`analysis_of_change`).

Submodules are imported on demand (``from actuary.analysis.change import analysis_of_change``).
"""
