"""The docs hold together: README.md fits on a few screens, every relative link in README.md
and docs/**/*.md reaches an existing file (and its #anchor an existing heading), and every
page a message or docstring in the code cites exists, with the heading it names."""

from __future__ import annotations

import re
from pathlib import Path

from infra.offline.stack_files import PROJECT_ROOT
from infra.offline.transitions import ROTATION_RUNBOOK, TEARDOWN_RUNBOOK
from tests.support.doc_pages import anchors, headings, page, pages, prose_lines

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CITATION = re.compile(r"(?<![\w/.-])(docs/[\w/.-]+\.md)(?:, \\?\"([^\"\\]+)\\?\")?")
"""How code cites a page: `docs/operations.md, "Rotating the app credential (no downtime)"`
(a heading, quoted exactly) or the path alone."""
CODE = [*sorted((PROJECT_ROOT / "infra").rglob("*.py")), *sorted((PROJECT_ROOT / "policies").rglob("*.py")), *sorted((PROJECT_ROOT / "scripts").glob("*.py")), *sorted(PROJECT_ROOT.glob("Pulumi*.yaml"))]


def broken_links(path: Path) -> list[str]:
    """Each relative link of `path` whose file or #anchor does not exist, as `target: why`."""
    broken = []
    for line in prose_lines(path.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{target}: no such file")
            elif anchor and (linked.is_dir() or anchor not in anchors(linked.read_text(encoding="utf-8"))):
                broken.append(f"{target}: no heading with anchor #{anchor}")
    return broken


def test_readme_is_under_200_lines() -> None:
    assert len(page("README.md").splitlines()) < 200


def test_every_relative_link_in_the_docs_resolves() -> None:
    assert len(pages()) > 5
    problems = {str(path.relative_to(PROJECT_ROOT)): broken_links(path) for path in pages()}
    assert not {name: found for name, found in problems.items() if found}


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    """A page no link leads to is a page nobody reads."""
    linked = {
        (path.parent / target.partition("#")[0]).resolve()
        for path in pages()
        for line in prose_lines(path.read_text(encoding="utf-8"))
        for target in LINK.findall(line)
        if target.partition("#")[0].endswith(".md")
    }
    assert [str(path.relative_to(PROJECT_ROOT)) for path in pages()[1:] if path.resolve() not in linked] == []


def test_pages_cited_by_the_code_exist_with_the_heading_they_name() -> None:
    citations = [(source, match) for source in CODE for match in CITATION.finditer(source.read_text(encoding="utf-8"))]
    assert len(citations) >= 8
    for source, match in citations:
        cited, title = match.groups()
        assert (PROJECT_ROOT / cited).is_file(), f"{source.name} cites {cited}"
        if title:
            assert title in [heading for _, heading in headings(page(cited))], f"{source.name}: {cited} has no heading {title!r}"


def test_plan_refusals_link_to_runbook_headings_that_exist() -> None:
    for runbook in (ROTATION_RUNBOOK, TEARDOWN_RUNBOOK):
        cited, anchor = re.fullmatch(r"(docs/\S+\.md) › .*\(#([\w-]+)\)", runbook).groups()
        assert anchor in anchors(page(cited)), runbook
