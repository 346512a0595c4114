"""The package version, in one place for the build backend, the extension and the CLI."""

__version__ = "0.1.0"
