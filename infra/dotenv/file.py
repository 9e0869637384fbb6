"""Writing the `.env`: mode 0600 from creation, never overwriting unless asked.

The file is created with mode 0600 (`os.open` with `O_EXCL`, or `mkstemp` plus an atomic
rename for `--force`), so there is no moment when another user could read it, and a failed
write leaves any previous file as it was. Values are single-quoted, which python-dotenv and
Node's dotenv both read literally (values that would need escaping are refused earlier).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from infra.dotenv.values import DotenvError

MODE = 0o600
HEADER = "# RaptScallions storage (STORAGE_*), written by `python -m infra.dotenv`"
"""How the file's first line starts: the validator knows by it that the key is the stack's."""


def render(values: Mapping[str, str], source: str) -> str:
    """The file's text: a header saying where it came from, then `NAME='value'` lines."""
    lines = [
        f"{HEADER} from {comment_text(source)}.",
        "# Holds the secret access key: keep it private and out of git.",
    ]
    lines += [f"{name}='{value}'" for name, value in values.items()]
    text = "\n".join(lines) + "\n"
    if dotenv_values(stream=io.StringIO(text)) != dict(values):
        raise DotenvError("the values would not read back unchanged from a .env file; refusing to write it")
    return text


def comment_text(text: str) -> str:
    """`text` safe inside a `#` comment line: anything that could end the line (newline, CR,
    U+2028, which Node's dotenv also splits on) or hide in it is written as an escape."""
    return "".join(ch if ch.isprintable() and ch != "\\" else ascii(ch)[1:-1] for ch in text)


def write_private(path: Path, text: str, *, force: bool) -> None:
    """Create `path` with mode 0600 holding `text`; an existing file is replaced only with `force`."""
    try:
        if force:
            _replace(path, text)
        else:
            _create(path, text)
    except FileExistsError:
        raise DotenvError(f"{path} already exists; refusing to overwrite it (use --force to replace it)") from None
    except IsADirectoryError:
        raise DotenvError(f"{path} is a directory; give a file path with --output") from None
    except FileNotFoundError:
        raise DotenvError(f"{path.parent} does not exist; create the directory or choose another --output") from None
    except OSError as error:
        raise DotenvError(f"cannot write {path}: {error.strerror or type(error).__name__}") from None


def _create(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _replace(path: Path, text: str) -> None:
    if path.is_dir():
        raise IsADirectoryError(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
