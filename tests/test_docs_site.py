"""The docs site in a real browser: build it with MkDocs, serve it on 127.0.0.1, open it in headless
Chromium and check what the reader sees. Python-Markdown nests lists by four spaces unless told
otherwise, and the pages nest by two: rendered wrongly, a description falls out of its bullet and a
field lands under the previous one. So the DOM's list tree is compared with the docs targets' own
bullet trees, built from the spec.

Screenshots of each flavour's page go to test-artifacts/. Skipped, saying why, only where there is
no Chromium (`.ci/run` installs Debian's) or no Playwright.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SPEC
from generator import spec
from generator.targets import docs_cli, docs_python, python
from generator.targets.docs_cli import Bullet

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 15_000

LOADED = spec.load(SPEC)
# flavour -> (the page's bullet tree per definition, its URL path on the site)
FLAVOURS = {
    "cli": ([s.bullet for s in docs_cli.page(LOADED).sections], docs_cli.path(LOADED)),
    "python": ([s.bullet for s in docs_python.page(LOADED).sections], docs_python.path(LOADED)),
}


def url_path(generated_path: str) -> str:
    """`docs/python/resources/webhooks/index.md` -> `python/resources/webhooks/` (directory URLs)."""
    return generated_path.removeprefix("docs/").removesuffix("index.md")


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        pytest.skip("no Chromium to drive: install Debian's with `apt-get install -y chromium` (.ci/run does)")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site, served on 127.0.0.1 on a free port; yields its base URL."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "docs-site" / "mkdocs.yml"), "--site-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (make test installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    try:
        yield p
    finally:
        context.close()


# The rendered list tree under each `### heading`, read from the DOM: for each <li>, its label (the
# first <code> of its first paragraph, or its own first <code>), the text of any further
# paragraphs, whether some paragraph or text sits outside an <li>, and its child items.
READ_TREE = """
() => {
  const article = document.querySelector("article");
  const item = (li) => {
    const paragraphs = [...li.children].filter(e => e.tagName === "P");
    const first = paragraphs.length ? paragraphs[0] : li;
    const code = first.querySelector(":scope > code");
    const lists = [...li.children].filter(e => e.tagName === "UL");
    return {
      label: code ? code.textContent : null,
      description: paragraphs.slice(1).map(p => p.textContent).join("\\n") || null,
      children: lists.flatMap(ul => [...ul.children].map(item)),
      lists: lists.length,
    };
  };
  const sections = {};
  for (const h3 of article.querySelectorAll("h3")) {
    const title = h3.firstChild.textContent.trim();
    const siblings = [];
    for (let e = h3.nextElementSibling; e && !/^H[1-3]$/.test(e.tagName); e = e.nextElementSibling) {
      siblings.push(e.tagName);
    }
    const ul = h3.nextElementSibling;
    sections[title] = {
      siblings,
      items: ul && ul.tagName === "UL" ? [...ul.children].map(item) : [],
    };
  }
  const h2 = [...article.querySelectorAll("h2")].find(h => h.firstChild.textContent.trim() === "Domain Types");
  const stray = [];
  for (let e = h2 && h2.nextElementSibling; e; e = e.nextElementSibling) {
    if (!["H3", "UL"].includes(e.tagName)) stray.push(e.tagName + ": " + e.textContent.slice(0, 80));
  }
  const loose = [...article.querySelectorAll("h2 ~ ul p, h2 ~ ul pre")]
    .filter(p => p.parentElement.tagName !== "LI")
    .map(p => p.textContent.slice(0, 80));
  return {sections, stray, loose, hasDomainTypes: !!h2};
}
"""


def expected(b: Bullet) -> dict[str, Any]:
    """A bullet as the DOM shows it: inline code loses its backticks, lines join with spaces."""
    text = None if b.description is None else " ".join(b.description.replace("`", "").split())
    return {"label": b.label, "description": text, "children": [expected(c) for c in b.children]}


def rendered(item: dict[str, Any]) -> dict[str, Any]:
    text = item["description"]
    assert item["lists"] <= 1, f"{item['label']}: its children are split over {item['lists']} lists"
    return {
        "label": item["label"],
        "description": None if text is None else " ".join(text.split()),
        "children": [rendered(c) for c in item["children"]],
    }


def open_page(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url


@pytest.mark.parametrize("flavour", sorted(FLAVOURS))
def test_page_renders_every_bullet_in_its_place(flavour: str, site: str, page: Any) -> None:
    bullets, generated_path = FLAVOURS[flavour]
    open_page(page, site + url_path(generated_path))
    dom = page.evaluate(READ_TREE)
    assert dom["hasDomainTypes"]
    assert dom["stray"] == [], "something outside the bullets after Domain Types"
    assert dom["loose"] == [], "paragraphs or code blocks that fell out of their list item"

    # Every event heading of the spec, in order (derived from the spec, not listed here).
    assert list(dom["sections"]) == [d.name.title for d in LOADED.definitions]
    for d, b in zip(LOADED.definitions, bullets):
        section = dom["sections"][d.name.title]
        assert section["siblings"] == ["UL"], d.name.title
        assert len(section["items"]) == 1, d.name.title
        # The whole tree: each description inside its bullet's item, each field under its own parent.
        assert rendered(section["items"][0]) == expected(b), d.name.title

    # Under the union, each member's discriminator is a sibling of its `data`, not its child.
    union = LOADED.entry
    assert union is not None
    members = dom["sections"][union.name.title]["items"][0]["children"]
    assert len(members) == len(union.members)
    key = union.discriminator if flavour == "cli" else python.attr(union.discriminator)
    for member, item in zip(union.members, members):
        fields = {c["label"].split(": ", 1)[0]: c for c in item["children"]}
        assert key in fields and "data" in fields, item["label"]
        assert all(not c["label"].startswith(key + ":") for c in fields["data"]["children"]), item["label"]
        assert [c["label"].split(": ", 1)[0] for c in item["children"]] == [
            f.key if flavour == "cli" else python.attr(f.ident) for f in member.object.fields
        ]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"docs-site-{flavour}.png"), full_page=True)


@pytest.mark.parametrize("flavour", sorted(FLAVOURS))
def test_heading_anchor_link_scrolls_to_the_heading(flavour: str, site: str, page: Any) -> None:
    _, generated_path = FLAVOURS[flavour]
    open_page(page, site + url_path(generated_path))
    last = LOADED.definitions[-1].name.title
    heading = page.locator("article h3", has_text=re.compile("^" + re.escape(last)))
    anchor = heading.locator("a.headerlink")
    target = anchor.get_attribute("href")
    assert target and target.startswith("#")
    assert page.evaluate("window.scrollY") == 0
    heading.hover()  # the permalink shows on hover
    anchor.click()
    page.wait_for_function("(h) => location.hash === h", arg=target)
    page.wait_for_function("() => window.scrollY > 0")
    top = heading.evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 900 / 2, f"heading at {top}px after following its anchor"


def test_home_page_navigates_by_flavour(site: str, page: Any) -> None:
    open_page(page, site)
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert [t.strip() for t in tabs] == ["Home", "CLI", "Python", "Spec language"]
    page.get_by_role("link", name="Spec language").first.click()
    page.wait_for_url(re.compile(r"spec-language/$"))
    assert page.locator("article h1").inner_text().strip().startswith("The spec language")
    # The reference's tables render as tables, not as text.
    assert page.locator("article table").count() >= 1


def test_site_config_nests_lists_by_two_spaces() -> None:
    """The check above would catch it in a browser; this says why where there is none."""
    config = (ROOT / "docs-site" / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"mdx_truly_sane_lists:\s*\n\s+nested_indent: 2", config)
