"""docs/validator.md's recipe for trying the validator locally, run line by line as written:
all 10 checks pass on RGW with the prod stack's rules, the CORS check fails once the bucket's
CORS is removed, and `stop` leaves no daemon running."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.doc_pages import page, section
from tests.support.rgw_server import rgw_unavailable

pytestmark = pytest.mark.xdist_group("rgw")
PLACEHOLDER = "/tmp/try-validator"


def recipe() -> list[str]:
    """The command lines of docs/validator.md's "Trying it locally" block."""
    block = re.search(r"```bash\n(.*?)```", section(page("docs/validator.md"), "Trying it locally"), re.S)
    assert block, "docs/validator.md: the 'Trying it locally' block is gone"
    return [line for line in block.group(1).splitlines() if line.strip()]


def run(line: str, directory: Path) -> subprocess.CompletedProcess[str]:
    words = shlex.split(line.replace(PLACEHOLDER, str(directory)))
    assert words[0] == ".venv/bin/python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "AWS_")) and k != "CI"}
    return subprocess.run([sys.executable, *words[1:]], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_readme_recipe_shows_green_then_red_then_stops(tmp_path: Path) -> None:
    reason = rgw_unavailable()
    if reason:
        pytest.fail(reason, pytrace=False)
    lines = recipe()
    assert [shlex.split(line)[1:3] for line in lines] == [
        ["scripts/try_validator.py", "start"],
        ["-m", "infra.validate"],
        ["scripts/try_validator.py", "break-cors"],
        ["-m", "infra.validate"],
        ["scripts/try_validator.py", "stop"],
    ]
    directory = tmp_path / "try"
    pids: dict[str, int] = {}
    try:
        started = run(lines[0], directory)
        assert started.returncode == 0, started.stderr
        pids = json.loads((directory / "cluster" / "daemons.json").read_text())["pids"]
        assert "--origin https://app.raptscallions.com" in started.stdout
        assert (directory / ".env").stat().st_mode & 0o777 == 0o600
        green = run(lines[1], directory)
        assert green.returncode == 0, green.stdout
        assert "All 10 checks passed" in green.stdout and "ready for production" in green.stdout
        assert run(lines[2], directory).returncode == 0
        red = run(lines[3], directory)
        assert red.returncode == 1, red.stdout
        assert "❌ CORS preflight" in red.stdout and "✅ Least privilege" in red.stdout
        assert "cors_refused_without_reason" in red.stdout and "got HTTP 403, AccessDenied" in red.stdout
        secret = json.loads((directory / "outputs.json").read_text())["STORAGE_S3_SECRET_ACCESS_KEY"]
        assert secret not in green.stdout + red.stdout + started.stdout
    finally:
        stopped = run(lines[4], directory)
    assert stopped.returncode == 0 and stopped.stdout.startswith("stopped: mon.a, osd.0, rgw.a"), stopped.stdout
    assert len(pids) == 3 and all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in pids.values())


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True
