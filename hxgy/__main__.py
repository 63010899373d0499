"""``python -m hxgy``: the command line for jobs without the UI."""

import sys

from hxgy.cli import main

sys.exit(main())
