"""Policy pack entry point. Constructing PolicyPack starts the analyzer and never returns,
so this file does only that; the policies live in `storage_policies`."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # storage_policies, and the repo's infra.guide rules

from pulumi_policy import PolicyPack  # noqa: E402

from storage_policies.pack import PACK_NAME, POLICIES  # noqa: E402

PolicyPack(name=PACK_NAME, policies=POLICIES)
