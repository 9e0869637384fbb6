"""The documentation's pages (README.md and docs/**/*.md), read by the tests that keep each
fact they state true to the code: one place to find a page, a heading's section and the
anchors GitHub gives its headings."""

from __future__ import annotations

import re
from pathlib import Path

from infra.offline.stack_files import PROJECT_ROOT

FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6}) +(.+?) *#*$")


def page(path: str) -> str:
    """The text of a page, by its path from the repository root (`docs/operations.md`)."""
    return (PROJECT_ROOT / path).read_text(encoding="utf-8")


def pages() -> list[Path]:
    """README.md and every page under docs/."""
    return [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").rglob("*.md"))]


def prose_lines(text: str) -> list[str]:
    """The page's lines outside fenced code blocks (a `# comment` in a bash block is no heading)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of each heading, in order."""
    return [(len(m.group(1)), m.group(2)) for m in map(HEADING.match, prose_lines(text)) if m]


def slug(title: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation (backticks, colons, parentheses,
    apostrophes) dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading's anchor; a repeated one gets `-1`, `-2`... as GitHub numbers them."""
    seen: dict[str, int] = {}
    found = set()
    for _, title in headings(text):
        base = slug(title)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def section(text: str, title: str) -> str:
    """What follows the heading `title`, up to the next heading of the same or a higher level
    (its subsections included)."""
    lines = text.splitlines()
    start = level = None
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if start is None and match and match.group(2) == title:
            start, level = index + 1, len(match.group(1))
        elif start is not None and match and len(match.group(1)) <= level:
            return "\n".join(lines[start:index])
    assert start is not None, f"no heading {title!r}"
    return "\n".join(lines[start:])
