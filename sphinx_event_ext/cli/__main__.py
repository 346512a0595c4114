"""``python -m sphinx_event_ext.cli``."""

import sys

from .main import main

sys.exit(main())
