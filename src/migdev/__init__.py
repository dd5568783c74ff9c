"""migdev: information systems for migration and development."""

__version__ = "0.1.0"
