"""The app's own client as a judge: `tests/js/presign.js` run with the app's pinned npm packages.

The packages are installed outside the work tree by `scripts/node_packages.py` (`make test`
runs it); `node` resolves them through NODE_PATH. No AWS_* variable of this machine
reaches the script: only the `.env` it is given configures the SDK, as in the app.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from infra.dotenv.cli import main as dotenv_main
from infra.guide import contract
from infra.offline.stack_files import PROJECT_ROOT

PRESIGN_JS = PROJECT_ROOT / "tests" / "js" / "presign.js"
CHECKSUM_PARAMS = ("x-amz-checksum-", "x-amz-sdk-checksum-")


def node_modules() -> Path:
    from scripts.node_packages import existing_dir

    folder = existing_dir()
    if folder is None:
        pytest.fail("the app's npm packages are not installed: run `python3 scripts/node_packages.py` (make test does)", pytrace=False)
    return folder / "node_modules"


def presign(env_file: Path, key: str, content_type: str) -> dict[str, str]:
    """{"put": URL, "get": URL} as the app's SDK signs them from `env_file`."""
    from scripts.node_packages import NODE

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NODE_"))}
    env["NODE_PATH"] = str(node_modules())
    done = subprocess.run(
        [NODE, str(PRESIGN_JS), str(env_file), key, content_type],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def checksum_query(url: str) -> dict[str, str]:
    """The URL's checksum query parameters (names lower-cased): what a provider may hold the body to."""
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query) if k.lower().startswith(CHECKSUM_PARAMS)}


def write_env(tmp_path: Path, outputs: dict[str, Any], name: str = ".env") -> Path:
    """The app's .env, written by `python -m infra.dotenv --from-json` from `outputs`."""
    source = tmp_path / f"{name}.outputs.json"
    source.write_text(json.dumps(outputs))
    target = tmp_path / name
    assert dotenv_main(["--from-json", str(source), "--output", str(target)]) == 0
    return target


def without_sdk_settings(env_file: Path) -> Path:
    """The same .env with the two SDK lines removed (what the app had before this package set them)."""
    target = env_file.with_name(env_file.name + ".bare")
    names = tuple(f"{v.name}=" for v in contract.SDK_VARIABLES)
    target.write_text("".join(line for line in env_file.read_text().splitlines(True) if not line.startswith(names)))
    return target
