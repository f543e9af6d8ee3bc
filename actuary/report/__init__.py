"""Third-party review pack: CJK fonts, house-style figures, the report (HTML + PDF) and tables.

Submodules are imported on demand (``from actuary.report import figures``) so that importing
the package stays cheap.
"""
