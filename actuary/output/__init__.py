"""The output layer every writer shares: workbooks, CSV text safety, money units, charts, fonts.

Submodules (imported on demand): :mod:`~actuary.output.workbook` (the one Excel writer),
:mod:`~actuary.output.text` (``safe_cell``: no formula from text), :mod:`~actuary.output.units`
(yuan → 万元 / 亿元), :mod:`~actuary.output.figures` (house-style charts, byte-stable PNG) and
:mod:`~actuary.output.fonts` (the CJK font).
"""
