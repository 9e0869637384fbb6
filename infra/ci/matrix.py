"""`python -m infra.ci.matrix`: the workflows' job matrices, from the shipped stack files.

Prints `key=value` lines for `$GITHUB_OUTPUT`:

- `all`: every stack, non-production first (drift checks);
- `nonprod` / `prod`: the two deploy phases, run in that order;
- `changed` (with `--changed-files FILE`): the stacks the listed paths touch (previews);
- `pulumi_version`: the CLI version to install (the SDK pin).

Each matrix is a JSON list of objects with `stack`, `provider`, `region`, `environment`,
`preview_environment` and `policy_config` (the stack's `Pulumi.<stack>.policy.json`, or ""). `--names` prints only the stack names, one a line, without
reading settings (the offline-plan step reports bad settings itself). A stack file the
pipeline cannot use exits 1 with the reason and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra.ci.stacks import DiscoveryError, StackTarget, affected, checked_stack_names, discover, pulumi_version
from infra.offline.stack_files import PROJECT_ROOT


def _matrix(targets: list[StackTarget]) -> str:
    return json.dumps([t.as_matrix_entry() for t in targets], separators=(",", ":"))


def outputs(project_dir: Path, changed_files: list[str] | None = None) -> dict[str, str]:
    """The workflow outputs, keyed by output name."""
    targets = discover(project_dir)
    result = {
        "all": _matrix(targets),
        "nonprod": _matrix([t for t in targets if not t.production]),
        "prod": _matrix([t for t in targets if t.production]),
        "pulumi_version": pulumi_version(project_dir),
    }
    if changed_files is not None:
        result["changed"] = _matrix(affected(targets, changed_files))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.ci.matrix", description=__doc__.splitlines()[0])
    parser.add_argument("--changed-files", type=Path, metavar="FILE", help="paths changed by the pull request, one a line")
    parser.add_argument("--names", action="store_true", help="print the stack names only, one a line")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        changed = None
        if args.changed_files is not None:
            changed = args.changed_files.read_text(encoding="utf-8").splitlines()
        if args.names:  # with --changed-files: only the stacks the change touches, in deploy order
            names = checked_stack_names(args.project_dir) if changed is None else [
                target.stack for target in affected(discover(args.project_dir), changed)
            ]
            print("\n".join(names))
            return 0
        for key, value in outputs(args.project_dir, changed).items():
            print(f"{key}={value}")
    except (DiscoveryError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
