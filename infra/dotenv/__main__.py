"""Entry point for `python -m infra.dotenv`."""

import sys

from infra.dotenv.cli import main

sys.exit(main())
