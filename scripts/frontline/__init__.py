"""Frontline Claims: load, check, export and render the dataset."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("frontline-claims")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"
