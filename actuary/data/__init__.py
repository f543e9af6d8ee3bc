"""Province data: public series, the embedded synthetic province, validated loaders.

- :mod:`actuary.data.synthetic` — seeded generator of ``data/synthetic/`` (``actuary data synth``).
- :mod:`actuary.data.calibration` — calibration aggregates of a data set vs public anchors.
"""
