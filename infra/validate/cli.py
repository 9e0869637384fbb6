"""`python -m infra.validate`: prove the deployed bucket works, end to end.

Exit codes: 0 every check that ran passed; 1 a check failed (or a probe could not be
removed); 2 the configuration is missing or invalid (nothing was contacted);
130 interrupted (probes removed first). With CI set and nothing configured, prints a
skip notice and exits 0, as the guide's CI mode does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from infra.guide import contract
from infra.offline.stack_files import PROJECT_ROOT
from infra.validate import fresh_key, interrupts
from infra.validate import inputs as sources
from infra.validate.checks import CHECK_IDS, CONFIGURATION
from infra.validate.runner import EXIT_CONFIGURATION, EXIT_INTERRUPTED, EXIT_OK

DEFAULT_TIMEOUT = 30.0
SKIP_NOTICE = "S3 validation skipped: CI is set and no STORAGE_* variables are configured."


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m infra.validate",
        description="Validate a deployed bucket end to end: the guide's 8 checks plus CORS preflight and least privilege.",
        epilog="Exit codes: 0 passed, 1 a check failed, 2 configuration missing/invalid, 130 interrupted.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--env-file", type=Path, metavar="PATH", help="read STORAGE_* from this .env file")
    source.add_argument("--stack", metavar="NAME", help="read STORAGE_* and CORS origins from `pulumi stack output`")
    parser.add_argument(
        "--origin",
        action="append",
        default=[],
        metavar="URL",
        help="a browser origin the bucket's CORS must allow (repeatable; replaces the stack's origins)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit for each check (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        fresh_key.FLAG,
        action="store_true",
        help="the access key may have just been created (right after `pulumi up`): while the provider "
        "still refuses it as unknown (InvalidAccessKeyId; R2: Unauthorized), retry the Connectivity check "
        "within its --timeout, and say how long it waited; no other error is retried",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[c for c in CHECK_IDS if c != CONFIGURATION[0]],
        metavar="CHECK",
        help="do not run this check (repeatable; reported as skipped): " + ", ".join(CHECK_IDS[1:]),
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    return parser


def _ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def main(
    argv: list[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """One run; a Ctrl-C or SIGTERM at any point is exit 130 with probes removed, no traceback."""
    stderr = stderr or sys.stderr
    try:
        code = _main(argv, environ=environ, stdout=stdout, stderr=stderr)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    if interrupts.take():  # arrived where nothing waits (parsing, the report): still honoured
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        print("interrupted", file=stderr)
    return code


def _main(
    argv: list[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = build_parser().parse_args(argv)

    try:
        if args.env_file is not None:
            loaded = sources.from_env_file(args.env_file)
        elif args.stack is not None:
            with interrupts.waiting():  # `pulumi stack output` may take a while
                loaded = sources.from_stack(args.stack, args.project_dir, args.timeout)
        else:
            loaded = sources.from_environment(environ)
    except sources.InputError as error:
        print(f"error: {error}", file=stderr)
        return EXIT_CONFIGURATION
    loaded = sources.with_origins(loaded, tuple(args.origin))

    if args.env_file is None and args.stack is None and _ci(environ) and loaded.nothing_configured():
        if args.json:
            print(json.dumps({"ok": True, "skipped": True, "exitCode": EXIT_OK, "reason": SKIP_NOTICE}), file=stdout)
        else:
            print(SKIP_NOTICE, file=stdout)
        return EXIT_OK

    from infra.validate import report, runner

    redact = report.Redactor([loaded.get(name) for name in contract.SECRET_NAMES])
    outcome = runner.run(
        loaded, timeout=args.timeout, skip=set(args.skip), fresh_credential=args.fresh_credential
    )
    if interrupts.take():  # after the run's last wait: the report says interrupted
        outcome.interrupted = True
    if args.json:
        print(report.render_json(outcome, redact), file=stdout)
    else:
        terminal = stdout.isatty() and "NO_COLOR" not in environ
        width = os.get_terminal_size(stdout.fileno()).columns if terminal else None
        stdout.write(report.render_text(outcome, redact, terminal=terminal, width=width))
    stdout.flush()
    return outcome.exit_code
