"""The app's production storage guide (../shared/reference), as the tests read it."""

from __future__ import annotations

import pytest

from infra.offline.stack_files import PROJECT_ROOT

GUIDE = PROJECT_ROOT.parent / "shared" / "reference" / "production-s3-setup.md"


def guide_text() -> str:
    if not GUIDE.exists():
        pytest.fail(f"reference guide not found at {GUIDE}: check out ../shared beside this repository", pytrace=False)
    return GUIDE.read_text(encoding="utf-8")
