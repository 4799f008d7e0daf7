"""The docs site a vendor publishes, without a browser: its name and home page come from the spec
(`site:`, validated by the loader with located errors), the spec language is only in webhookgen's
own build, and a description that holds a list stays apart from the bullets after it, both in the
generated Markdown and as the site's Markdown renders it. tests/test_docs_site.py checks the same
in Chromium."""

from __future__ import annotations

import functools
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import markdown
import pytest
import yaml

from conftest import KITCHEN, KITCHEN_SPEC, ROOT, SPEC, VENDOR_SPECS, import_path, vendor_outputs
from generator import render, spec
from generator.targets import docs_cli, docs_python, markdown_text
from generator.targets.docs_cli import Bullet



@functools.cache
def hooks() -> ModuleType:
    """docs-site/hooks.py, imported when a test needs it (not at collection: a copy of the project
    made to run the spec-driven tests holds no docs-site/)."""
    return import_path(ROOT / "docs-site" / "hooks.py", "docs_site_hooks")

SEPARATOR = "<!-- -->"
TARGETS = (docs_cli, docs_python)


def tiny(site: str) -> str:
    """A small spec with `site` as its fourth line."""
    return f"title: T\npage: t/index.md\nmodule: m\n{site}\ntypes:\n  a:\n    standalone: true\n    fields:\n      x: {{type: string}}\n"


def test_without_site_keys_the_site_is_named_after_the_title() -> None:
    loaded = spec.parse(tiny("entry_less: x").replace("entry_less: x\n", ""), "s.yaml", "s.yaml")
    assert loaded.site_name == loaded.title and loaded.site.home is None


def test_the_kitchen_sink_sets_the_site_keys() -> None:
    raw = yaml.safe_load(KITCHEN_SPEC.read_text(encoding="utf-8"))["site"]
    loaded = spec.load(KITCHEN_SPEC)
    assert loaded.site_name == raw["name"] != loaded.title
    assert loaded.site.home == raw["home"]


BAD_SITES = {
    "not a mapping": ("site: [a]", "s.yaml:4:7: site must be a mapping"),
    "unknown key": ("site: {nam: x}", "s.yaml:4:8: unknown key 'nam' in site; did you mean 'name'?"),
    "two lines": ('site: {name: "a\\nb"}', "s.yaml:4:14: site name must be one line of printable text"),
    "empty name": ('site: {name: ""}', "s.yaml:4:14: site name must be one line of printable text, not empty"),
    "null name": ("site: {name: ~}", "s.yaml:4:14: site name must be a string"),
    "home not text": ("site: {home: [a]}", "s.yaml:4:14: site home must be a string"),
}


@pytest.mark.parametrize("name", sorted(BAD_SITES))
def test_bad_site_keys_are_located_errors(name: str) -> None:
    line, expected = BAD_SITES[name]
    with pytest.raises(spec.SpecError) as e:
        spec.parse(tiny(line), "s.yaml", "s.yaml")
    assert any(str(p).startswith(expected) for p in e.value.problems), [str(p) for p in e.value.problems]


def test_a_bad_site_key_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(KITCHEN_SPEC.read_text(encoding="utf-8").replace("site:\n  name:", "site:\n  nmae:"), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(bad), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 2
    line = next(i for i, text in enumerate(bad.read_text().split("\n"), 1) if text.startswith("  nmae:"))
    assert result.stderr == f"{bad}:{line}:3: unknown key 'nmae' in site; did you mean 'name'?\n"
    assert not out.exists()


@pytest.mark.parametrize(
    "text, holds",
    [
        ("Where it stands.", False),
        ("One - two.", False),
        ("---", False),
        ("Values:\n\n- a\n- b", True),
        ("Steps:\n  1. one\n  2) two", True),
        ("* starred", True),
        ("Ends with a dash -\nthen text", False),
        ("Values:\r- a", True),  # a lone CR ends a line, as the page writes it
    ],
)
def test_holds_list(text: str, holds: bool) -> None:
    assert markdown_text.holds_list(text) is holds


def walk(b: Bullet) -> list[Bullet]:
    return [b] + [d for c in b.children for d in walk(c)]


def separated(loaded: spec.model.Spec, target: object) -> list[Bullet]:
    """The bullets whose description holds a list and that have children: each needs a separator."""
    page = target.page(loaded)  # type: ignore[attr-defined]
    return [b for s in page.sections for b in walk(s.bullet) if b.children and b.description and markdown_text.holds_list(b.description)]


def site_markdown() -> markdown.Markdown:
    """The Markdown the site renders pages with (docs-site/mkdocs.yml, and the hooks' extension)."""
    config = yaml.safe_load((ROOT / "docs-site" / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    configs: dict[str, dict[str, object]] = {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = options
    return markdown.Markdown(extensions=[*names, hooks().NoRawHtml()], extension_configs=configs)


@pytest.mark.parametrize("target", TARGETS, ids=["cli", "python"])
def test_a_description_with_a_list_stays_apart_from_the_bullets_after_it(target: object) -> None:
    loaded = spec.load(KITCHEN_SPEC)
    needing = separated(loaded, target)
    assert needing, "the kitchen sink has a description with a list next to an enum"
    text = (KITCHEN / "expected" / target.path(loaded)).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    # One separator per such bullet, on a line of its own, and nowhere else.
    assert len(re.findall(rf"^ *{re.escape(SEPARATOR)}$", text, flags=re.M)) == text.count(SEPARATOR) == len(needing)
    rendered = site_markdown().convert(text)
    assert rendered.count(SEPARATOR) == len(needing) and "&lt;!--" not in rendered
    # On the site the description's list ends before the children's: `</ul>`, the comment, `<ul>`.
    assert len(re.findall(rf"</ul>\s*{re.escape(SEPARATOR)}\s*<ul>", rendered)) == len(needing)


def test_the_shipped_page_has_no_separator() -> None:
    """No description of the shipped spec holds a list, so its page stays the vendor's, line for line
    (tests/test_docs_page.py compares it)."""
    loaded = spec.load(SPEC)
    for target in TARGETS:
        if not separated(loaded, target):
            page = render.render(loaded, targets=(target.TARGET,))[target.path(loaded)]
            assert SEPARATOR not in page


def test_the_home_page_comes_from_the_spec() -> None:
    loaded = spec.load(KITCHEN_SPEC)
    page = hooks().home_page(loaded)
    assert page.startswith(f"# {markdown_text.plain_text(loaded.site_name)}\n")
    assert loaded.site.home is not None and markdown_text.description(loaded.site.home) in page
    assert loaded.entry is not None
    for member in loaded.entry.members:
        assert f"[{markdown_text.code_span(member.tag)}](" in page
    for target in TARGETS:
        assert f"]({target.path(loaded).removeprefix('docs/')})" in page


def test_a_hostile_site_name_is_text() -> None:
    name = "<img src=x onerror=alert(1)> & [x](javascript:alert(1))"
    loaded = spec.parse(tiny(f"site: {{name: {name!r}, home: '<script>alert(1)</script>'}}"), "s.yaml", "s.yaml")
    page = hooks().home_page(loaded)
    assert "<img" not in page and "<script" not in page
    rendered = site_markdown().convert(page)
    assert "<img" not in rendered and "<script" not in rendered and "javascript:" not in re.sub(r">[^<]*<", "><", rendered)


def build(config: str, out: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "docs-site" / config), "--site-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("vendor", sorted(VENDOR_SPECS))
def test_another_vendors_spec_gets_a_site_of_its_own(vendor: str, tmp_path: Path) -> None:
    """`make docs` builds each spec of spec/examples/ into site/<vendor>/ with docs-site/examples.yml:
    the vendor's name, its two pages, its events on the home page; none of the shipped vendor's own
    pages (docs-site/pages/), and the shipped spec's site left as it was."""
    recipe = re.search(r"^docs:.*\n((?:\t.*\n)*)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert recipe and "spec/examples/" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--config-file docs-site/examples.yml --site-dir $(CURDIR)/site/$$vendor" in recipe.group(1)
    config = yaml.safe_load((ROOT / "docs-site" / "examples.yml").read_text(encoding="utf-8"))
    assert config["INHERIT"] == "mkdocs.yml" and config["docs_dir"] != "pages"
    spec_path = VENDOR_SPECS[vendor]
    loaded = spec.load(spec_path)
    env = {"WEBHOOKGEN_DOCS_SPEC": str(spec_path), "WEBHOOKGEN_DOCS_OUT": str(vendor_outputs(spec_path))}
    build("examples.yml", tmp_path / vendor, env)
    home = (tmp_path / vendor / "index.html").read_text(encoding="utf-8")
    assert f"<title>{html.escape(loaded.site_name)}</title>" in home
    assert loaded.entry is not None and all(f"<code>{html.escape(m.tag)}</code>" in home for m in loaded.entry.members)
    for target in TARGETS:
        assert (tmp_path / vendor / target.path(loaded).removeprefix("docs/")).with_suffix(".html").is_file()
    own = [p.relative_to(ROOT / "docs-site" / "pages") for p in (ROOT / "docs-site" / "pages").rglob("*.md")]
    assert not any((tmp_path / vendor / p.with_suffix("")).exists() for p in own)
    assert not (tmp_path / vendor / "spec-language").exists()


def test_the_vendor_site_leaves_the_spec_language_to_the_generators_site(tmp_path: Path) -> None:
    loaded = spec.load(SPEC)
    build("mkdocs.yml", tmp_path / "vendor")
    home = (tmp_path / "vendor" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{html.escape(loaded.site_name)}</title>" in home
    assert not (tmp_path / "vendor" / "spec-language").exists()
    assert "spec-language" not in home and "webhookgen" not in home
    build("generator.yml", tmp_path / "generator")
    reference = (tmp_path / "generator" / "spec-language" / "index.html").read_text(encoding="utf-8")
    assert "<title>Spec language - webhookgen</title>" in reference and "<table>" in reference
    assert "<h1 id=\"the-spec-language\">" in reference
