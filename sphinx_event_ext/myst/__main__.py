"""``python -m sphinx_event_ext.myst``: the executable plugin (what ``event_plugin.py`` calls)."""

from .plugin import main

raise SystemExit(main())
