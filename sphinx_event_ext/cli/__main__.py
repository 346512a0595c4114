"""``python -m sphinx_event_ext.cli``."""

from .main import run

run()
