"""One wording for "not a name the provider knows", with the closest one it does know.

Each provider keeps its own list (its `regions.py`, with the list's source); this module only
turns a miss into the message, so a typo such as `us-wset-2` is answered with `us-west-2`
instead of reaching a resource input or the app's `STORAGE_S3_REGION`. No SDK import.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

LISTED_IN_FULL = 12
"""Lists up to this long are printed whole in the message; longer ones (AWS) only by their source."""


def closest(value: str, known: Collection[str]) -> str | None:
    """The known name most like `value` (difflib's ratio, its default 0.6 cut-off), else None.

    Compared without surrounding whitespace, so `'us-east-1\\n'` still points to `us-east-1`.
    """
    matches = difflib.get_close_matches(value.strip().lower(), sorted(known), n=1)
    return matches[0] if matches else None


def unknown_name_problem(value: str, known: Collection[str], what: str, source: str, fix: str = "") -> str:
    """`'<value>' is not <what> (<source>). Did you mean '<closest>'?`, the whole list when short,
    then `fix`.

    `what` names the provider's kind of name ("an AWS region where S3 is available"), `source`
    where the list comes from, so the user can tell a typo from a list that is out of date.
    """
    parts = [f"{value!r} is not {what} ({source})."]
    if hint := closest(value, known):
        parts.append(f"Did you mean {hint!r}?")
    if len(known) <= LISTED_IN_FULL:
        parts.append(f"Known: {', '.join(sorted(known))}.")
    if fix:
        parts.append(fix)
    return " ".join(parts)
