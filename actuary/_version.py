"""The package version (bottom layer: every module may read it without importing the package)."""

__version__ = "0.1.0"
