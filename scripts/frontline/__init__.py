"""Frontline Claims: load, check, export and render the dataset."""

from importlib import metadata

try:
    __version__ = metadata.version("frontline-claims")
except metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"
