"""Entry point: `python -m infra.validate`."""

import sys

from infra.validate.cli import main

sys.exit(main())
