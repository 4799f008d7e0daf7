"""The README's quick starts are copied from files the tests run, and stay identical to them.

A snippet is a fenced block right after `<!-- snippet: PATH NAME -->`; it must equal, dedented, the
lines of PATH between the comment lines `[NAME]` and `[/NAME]` (`#` or `//` comments).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]
SNIPPET = re.compile(r"^<!-- snippet: (\S+) (\S+) -->\n```[a-z]*\n(.*?)^```$", re.M | re.S)
# The files whose quick start the top-level README must show: the examples the tests run.
REQUIRED = {"examples/fastapi/app.py", "examples/express/server.ts"}


def region(path: Path, name: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    marks = {line.strip(): i for i, line in enumerate(lines)}
    for comment in ("#", "//"):
        start, end = marks.get(f"{comment} [{name}]"), marks.get(f"{comment} [/{name}]")
        if start is not None and end is not None and start < end:
            return textwrap.dedent("\n".join(lines[start + 1 : end])).strip("\n") + "\n"
    raise AssertionError(f"{path.relative_to(ROOT)} has no region [{name}] ... [/{name}]")


def snippets(document: Path) -> list[tuple[str, str, str]]:
    return SNIPPET.findall(document.read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_snippets_equal_the_regions_they_are_copied_from(document: Path) -> None:
    for path, name, text in snippets(document):
        assert text == region(ROOT / path, name), f"{document.relative_to(ROOT)}: the snippet of {path} [{name}] is stale"


def test_readme_shows_each_frameworks_quick_start() -> None:
    assert {path for path, _, _ in snippets(ROOT / "README.md")} >= REQUIRED
    # Every `<!-- snippet:` comment was followed by a block the pattern read.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count("<!-- snippet:") == len(snippets(ROOT / "README.md"))


def test_a_stale_snippet_is_caught(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    path, name, text = snippets(ROOT / "README.md")[0]
    edited = readme.replace(text, text.replace("\n", "\n# an edit\n", 1), 1)
    (tmp_path / "README.md").write_text(edited, encoding="utf-8")
    [(_, _, changed)] = [s for s in snippets(tmp_path / "README.md") if s[0] == path]
    assert changed != region(ROOT / path, name)
