"""vlboard: monitoring screen for Vĩnh Long's digital-transformation programme."""

__version__ = "0.1.0"
