"""Province data: public series, the embedded synthetic province, validated loaders.

- :mod:`actuary.data.synthetic` — seeded generator of ``data/synthetic/`` (``actuary data synth``).
- :mod:`actuary.data.calibration` — calibration aggregates of a data set vs public anchors.
- :mod:`actuary.data.loader` — ``load_province(folder) -> ProvinceData`` with validation.
"""

from actuary.data.loader import DATA_FILES, ProvinceData, check_province, load_province

__all__ = ["DATA_FILES", "ProvinceData", "check_province", "load_province"]
