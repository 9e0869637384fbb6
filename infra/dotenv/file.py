"""Writing the `.env`: mode 0600 from creation, never overwriting unless asked.

The file is created with mode 0600 (`os.open` with `O_EXCL`, or `mkstemp` plus an atomic
rename for `--force`), so there is no moment when another user could read it, and a failed
write leaves any previous file as it was. What the text looks like is `formats.py`'s job.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from infra.dotenv.formats import DEFAULT_FORMAT, FORMATS
from infra.dotenv.values import DotenvError

MODE = 0o600


def render(values: Mapping[str, str], source: str, format_name: str = DEFAULT_FORMAT) -> str:
    """The file's text in `format_name` (infra/dotenv/formats.py). The default format is read
    back with python-dotenv before anything is written, a last guard for the app's own loader."""
    text = FORMATS[format_name].render(values, source)
    if format_name == DEFAULT_FORMAT and dotenv_values(stream=io.StringIO(text)) != dict(values):
        raise DotenvError("the values would not read back unchanged from a .env file; refusing to write it")
    return text


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
