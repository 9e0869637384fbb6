"""Entry point: `python -m infra.validate`.

Ctrl-C is routed to `interrupts` before anything else is imported, so a signal during
start-up is exit 130 too, not a traceback from an import.
"""

from infra.validate import interrupts

interrupts.install()

import sys  # noqa: E402

from infra.validate.cli import main  # noqa: E402

sys.exit(main())
