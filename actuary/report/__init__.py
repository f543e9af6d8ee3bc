"""Third-party review pack: the report (HTML + PDF), its sections, values and tables.

Charts and the CJK font are the shared output layer's (:mod:`actuary.output.figures`,
:mod:`actuary.output.fonts`). Submodules are imported on demand so that importing the package
stays cheap.
"""
