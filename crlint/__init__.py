"""crlint: container-registry failures found before they reach a pipeline."""

__version__ = "0.1.0"
