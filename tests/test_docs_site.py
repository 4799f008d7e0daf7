"""The docs site in a real browser: build it with MkDocs, serve it on 127.0.0.1, open it in headless
Chromium and check what the reader sees. Python-Markdown nests lists by four spaces unless told
otherwise, and the pages nest by two: rendered wrongly, a description falls out of its bullet and a
field lands under the previous one. So the DOM's list tree is compared with the docs targets' own
bullet trees, built from the spec.

A site built from a hostile spec (tests/fuzz_docs.py's payloads) is opened too: no script from spec
text may run, whether the generator escaped it or the page came raw to the site.

The site is the vendor's: named after the spec, its home page made from it, no spec language;
code is highlighted and long lines scroll inside their block; a description that holds a list
renders it as a list of its own, apart from the bullets after it (the kitchen sink's site).

Screenshots go to test-artifacts/: each flavour's page of both sites, the vendor's home page, a
highlighted code block and a description with a list. Skipped, saying why, only where there is no
Chromium (`.ci/run` installs Debian's) or no Playwright.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown
import pytest

import fuzz_docs
from conftest import KITCHEN, KITCHEN_SPEC, ROOT, SPEC, VENDOR_SPECS, import_path, vendor_outputs
from generator import model, spec
from generator.targets import docs_cli, docs_python, markdown_text, python
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

# The sites built: the shipped spec's, and the kitchen sink's (site keys, a description with a list
# beside an enum's values, fenced code with a long line), from its golden pages.
# Each other vendor's site too (spec/examples/), built as `make docs` builds it: docs-site/examples.yml,
# from the pages the CLI generates for it.
SITES: dict[str, tuple[Path, Path | None]] = {
    "shipped": (SPEC, ROOT / "generated"),
    "kitchen": (KITCHEN_SPEC, KITCHEN / "expected"),
    **{vendor: (path, None) for vendor, path in VENDOR_SPECS.items()},
}
LOADED = {name: spec.load(path) for name, (path, _) in SITES.items()}
TARGETS = {"cli": docs_cli, "python": docs_python}
CASES = [(name, flavour) for name in SITES for flavour in TARGETS]


def bullets(loaded: model.Spec, flavour: str) -> list[Bullet]:
    """The page's bullet tree per definition."""
    return [s.bullet for s in TARGETS[flavour].page(loaded).sections]


def url_path(generated_path: str) -> str:
    """`docs/python/resources/webhooks/index.md` -> `python/resources/webhooks/` (directory URLs)."""
    return generated_path.removeprefix("docs/").removesuffix("index.md")


def chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        pytest.skip("no Chromium to drive: install Debian's with `apt-get install -y chromium` (.ci/run does)")
    return found


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """`directory` served on 127.0.0.1 on a free port; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def build(out: Path, name: str, config: str | None = None) -> None:
    """The site of SITES[name] built into `out` as `make docs` builds it (strict)."""
    spec_path, generated = SITES[name]
    if generated is None:
        generated = vendor_outputs(spec_path)
    config = config or ("examples.yml" if name in VENDOR_SPECS else "mkdocs.yml")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "docs-site" / config), "--site-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "WEBHOOKGEN_DOCS_SPEC": str(spec_path), "WEBHOOKGEN_DOCS_OUT": str(generated)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Each site of SITES built and served on 127.0.0.1 on a free port; yields their base URLs."""
    with contextlib.ExitStack() as stack:
        urls = {}
        for name in SITES:
            out = tmp_path_factory.mktemp(name)
            build(out, name)
            urls[name] = stack.enter_context(served(out))
        yield urls


@pytest.fixture(scope="module")
def site(sites: dict[str, str]) -> str:
    """The shipped spec's site; its base URL."""
    return sites["shipped"]


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
# first <code> of its first paragraph, or its own first <code>), then each block after that
# paragraph (tag, text, and a list's items, read the same way), and whether some paragraph or text
# sits outside an <li>. Which blocks are the description and which list holds the children is for
# the test to say, from the bullet it expects.
READ_TREE = """
() => {
  const article = document.querySelector("article");
  const item = (li) => {
    const blocks = [...li.children];
    const first = blocks.length && blocks[0].tagName === "P" ? blocks[0] : li;
    const code = first.querySelector(":scope > code");
    return {
      label: code ? code.textContent : null,
      blocks: blocks.slice(first === li ? 0 : 1).filter(e => !["CODE", "A", "EM", "STRONG", "SPAN"].includes(e.tagName)).map(e => ({
        tag: e.tagName,
        text: e.textContent,
        items: e.tagName === "UL" ? [...e.children].map(item) : [],
      })),
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
  // A paragraph sits in an item; a code block in one too, inside the highlighter's <div>.
  const loose = [...article.querySelectorAll("h2 ~ ul p, h2 ~ ul pre")]
    .filter(p => (p.tagName === "PRE" && p.parentElement.matches("div.highlight") ? p.parentElement : p).parentElement.tagName !== "LI")
    .map(p => p.textContent.slice(0, 80));
  return {sections, stray, loose, hasDomainTypes: !!h2};
}
"""


FENCE_LINE = re.compile(r"^[ \t]*```.*$", re.M)
HTTP_LINK = re.compile(r"\[([^\]`]*)\]\(https?://[^)\s]*\)")  # an inline link renders as its text
LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+", re.M)


def shown(description: str) -> str:
    """A description as the DOM's text shows it: code fences, list markers and backticks go, a link to
    an http(s) address shows its text, lines join with spaces."""
    text = LIST_MARKER.sub("", FENCE_LINE.sub("", description))
    text = HTTP_LINK.sub(r"\1", text).replace("`", "")
    return " ".join(text.split())


def expected(b: Bullet) -> dict[str, Any]:
    """A bullet as the DOM shows it."""
    text = None if b.description is None else shown(b.description)
    return {"label": b.label, "description": text, "children": [expected(c) for c in b.children]}


def rendered(item: dict[str, Any], b: Bullet | None) -> dict[str, Any]:
    """The DOM's item read as the bullet `b`: its children are the list that ends the item (when `b`
    has children), every block before that is its description."""
    blocks = list(item["blocks"])
    children: list[dict[str, Any]] = []
    if b is not None and b.children:
        assert blocks and blocks[-1]["tag"] == "UL", f"{item['label']}: its children are not the list that ends it"
        children = blocks.pop()["items"]
    assert all(block["tag"] != "UL" for block in blocks) or (b is not None and b.description and markdown_text.holds_list(b.description)), (
        f"{item['label']}: its children are split over several lists"
    )
    text = " ".join(" ".join(block["text"] for block in blocks).split()) or None
    kids = list(b.children) if b is not None else []
    return {
        "label": item["label"],
        "description": text,
        "children": [rendered(c, kids[i] if i < len(kids) else None) for i, c in enumerate(children)],
    }


def open_page(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url


@pytest.mark.parametrize("name, flavour", CASES)
def test_page_renders_every_bullet_in_its_place(name: str, flavour: str, sites: dict[str, str], page: Any) -> None:
    loaded = LOADED[name]
    open_page(page, sites[name] + url_path(TARGETS[flavour].path(loaded)))
    dom = page.evaluate(READ_TREE)
    assert dom["hasDomainTypes"]
    assert dom["stray"] == [], "something outside the bullets after Domain Types"
    assert dom["loose"] == [], "paragraphs or code blocks that fell out of their list item"

    # Every heading of the spec, in order (derived from the spec, not listed here).
    assert list(dom["sections"]) == [d.name.title for d in loaded.definitions]
    trees = {}
    for d, b in zip(loaded.definitions, bullets(loaded, flavour)):
        section = dom["sections"][d.name.title]
        assert section["siblings"] == ["UL"], d.name.title
        assert len(section["items"]) == 1, d.name.title
        # The whole tree: each description inside its bullet's item, each field under its own parent.
        trees[d.name.snake] = rendered(section["items"][0], b)
        assert trees[d.name.snake] == expected(b), d.name.title

    # Under the union, each member's discriminator is a sibling of its `data`, not its child.
    union = loaded.entry
    assert union is not None
    members = trees[union.name.snake]["children"]
    assert len(members) == len(union.members)
    key = union.discriminator if flavour == "cli" else python.attr(union.discriminator)
    for member, item in zip(union.members, members):
        fields = {c["label"].split(": ", 1)[0]: c for c in item["children"]}
        assert key in fields, item["label"]
        data = fields.get("data", {"children": []})  # an event may have nothing but its discriminator
        assert all(not c["label"].startswith(key + ":") for c in data["children"]), item["label"]
        # an open object's other keys come last, as a bullet of their own (spec/README.md, "Open objects")
        other = [("other keys" if flavour == "cli" else "extra_fields")] if member.object.other is not None else []
        assert [c["label"].split(": ", 1)[0] for c in item["children"]] == [
            f.key if flavour == "cli" else python.attr(f.ident) for f in member.object.fields
        ] + other

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"docs-site-{name}-{flavour}.png"), full_page=True)


@pytest.mark.parametrize("flavour", sorted(TARGETS))
def test_heading_anchor_link_scrolls_to_the_heading(flavour: str, site: str, page: Any) -> None:
    open_page(page, site + url_path(TARGETS[flavour].path(LOADED["shipped"])))
    last = LOADED["shipped"].definitions[-1].name.title
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
    # At the top of the window, unless the page ends before it can get there (a short last section).
    at_end = page.evaluate("() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1")
    assert 0 <= top < 900 / 2 or (0 <= top < 900 and at_end), f"heading at {top}px after following its anchor"


@pytest.mark.parametrize("name", sorted(SITES))
def test_home_page_is_the_vendors(name: str, sites: dict[str, str], page: Any) -> None:
    """Named after the spec, the home page made from it, the two flavours in the navigation, and
    nothing of the generator's (the spec language is on its own site)."""
    loaded = LOADED[name]
    open_page(page, sites[name])
    assert page.title() == loaded.site_name
    assert page.locator(".md-header__topic").first.inner_text().strip() == loaded.site_name
    assert page.locator("article h1").evaluate("h => h.firstChild.textContent").strip() == loaded.site_name
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert [t.strip() for t in tabs] == ["Home", "CLI", "Python"]
    assert page.get_by_role("link", name="Spec language").count() == 0
    assert "webhookgen" not in page.content()
    # Each event of the spec, linked to its section on the CLI page.
    assert loaded.entry is not None
    events = page.locator("article li > a > code").all_inner_texts()
    assert events == [m.tag for m in loaded.entry.members]
    last = loaded.entry.members[-1]
    page.locator("article li > a", has_text=last.tag).last.click()  # a tag's variants: a link each, in order
    page.wait_for_url(re.compile(re.escape(url_path(docs_cli.path(loaded))) + "#"))
    heading = page.locator("article h3", has_text=re.compile("^" + re.escape(last.object.name.title)))
    # At the top of the window, unless the page ends before it can get there (a short last section).
    page.wait_for_function(
        """(h) => {
             const top = h.getBoundingClientRect().top;
             const atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
             return (top >= 0 && top < 450) || (atEnd && top >= 0 && top < window.innerHeight);
           }""",
        arg=heading.element_handle(),
    )
    if name == "kitchen":
        open_page(page, sites[name])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "docs-site-vendor-home.png"), full_page=True)


def test_code_is_highlighted_and_long_lines_scroll_in_their_block(sites: dict[str, str], page: Any) -> None:
    """Fenced code (the Python page's usage, a description's JSON) is highlighted by Pygments, and a
    line longer than the column scrolls inside its block: the page itself never scrolls sideways."""
    loaded = LOADED["kitchen"]
    for flavour in TARGETS:
        open_page(page, sites["kitchen"] + url_path(TARGETS[flavour].path(loaded)))
        blocks = page.locator("article div.highlight pre > code")
        assert blocks.count() >= 1, flavour
        found = page.evaluate(
            """() => [...document.querySelectorAll("article div.highlight pre > code")].map(code => {
                 const spans = [...code.querySelectorAll("span[class]")];
                 const colours = new Set(spans.map(s => getComputedStyle(s).color));
                 return {
                   classes: [...new Set(spans.map(s => s.className))],
                   colours: colours.size,
                   overflow: getComputedStyle(code).overflowX,
                   wider: code.scrollWidth > code.clientWidth,
                   text: code.textContent.slice(0, 40),
                 };
               })"""
        )
        for block in found:
            # Tokens in classes (keywords, strings, punctuation), in more than one colour.
            assert len(block["classes"]) >= 3 and block["colours"] >= 2, block
            assert block["overflow"] in ("auto", "scroll") or not block["wider"], block
        assert any(block["wider"] for block in found) or flavour == "python", "the description's long JSON line fits: make it longer"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{flavour}: the page scrolls sideways"
    # The kitchen sink's description with fenced JSON, highlighted, its long line scrolled.
    open_page(page, sites["kitchen"] + url_path(docs_cli.path(loaded)))
    code = page.locator("article div.language-json.highlight").first
    code.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    code.locator("xpath=ancestor::li[1]").screenshot(path=str(ARTIFACTS / "docs-site-highlighted-code.png"))


def test_a_description_with_a_list_is_its_own_list(sites: dict[str, str], page: Any) -> None:
    """The kitchen sink's description that holds a list, beside an enum's values: the description's
    items are one <ul>, the values another, both inside the field's item."""
    loaded = LOADED["kitchen"]
    for flavour in TARGETS:
        wanted = [
            b
            for top in bullets(loaded, flavour)
            for b in walk(top)
            if b.children and b.description is not None and markdown_text.holds_list(b.description)
        ]
        assert wanted, "the kitchen sink has a description with a list beside an enum"
        open_page(page, sites["kitchen"] + url_path(TARGETS[flavour].path(loaded)))
        for b in wanted:
            items = page.locator("article li").filter(has=page.locator(":scope > p:first-child > code", has_text=b.label))
            assert items.count() >= 1, b.label
            lists = items.first.evaluate(
                """li => [...li.children].filter(e => e.tagName === "UL")
                          .map(ul => [...ul.children].map(item => item.textContent.trim().split("\\n")[0]))"""
            )
            description_items = [line for line in b.description.split("\n") if LIST_MARKER.match(line)]
            assert [len(items) for items in lists] == [len(description_items), len(b.children)], (b.label, lists)
            assert lists[1] == [c.label for c in b.children], b.label
            # Nothing shows between the two lists (the separator is a comment, not text).
            between = items.first.evaluate(
                """li => { const [a, b] = [...li.children].filter(e => e.tagName === "UL"); return a.nextElementSibling === b; }"""
            )
            assert between and "<!--" not in items.first.inner_text(), b.label
        if flavour == "cli":
            item = page.locator("article li").filter(has=page.locator(":scope > p:first-child > code", has_text=wanted[0].label)).first
            item.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            item.screenshot(path=str(ARTIFACTS / "docs-site-description-list.png"))


def walk(b: Bullet) -> list[Bullet]:
    return [b] + [d for c in b.children for d in walk(c)]


def test_site_config_nests_lists_by_two_spaces() -> None:
    """The check above would catch it in a browser; this says why where there is none."""
    config = (ROOT / "docs-site" / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"mdx_truly_sane_lists:\s*\n\s+nested_indent: 2", config)


# -- hostile spec text: nothing on the site may run script ---------------------------------------

HOSTILE_TITLE = "<img src=x onerror=alert(document.domain)></title><script>alert(1)</script>"
# The page's path lands in the site's URLs and file names.
HOSTILE_PAGE = "x\"'><img src=x onerror=alert(document.domain)>/index.md"
HOSTILE_SPEC = fuzz_docs.spec_text(HOSTILE_TITLE, fuzz_docs.PAYLOADS + fuzz_docs.MEANT, page=HOSTILE_PAGE)
HOSTILE_LOADED = spec.parse(HOSTILE_SPEC, "hostile.yaml", "hostile.yaml")
HOSTILE_PAGES = [urllib.parse.quote(url_path(t.path(HOSTILE_LOADED))) for t in (docs_cli, docs_python)] + [""]

# Anything in the DOM that could run script or leave the site for a non-http(s) address: handlers,
# such addresses, scripts made of spec text, and elements no Markdown page makes.
LIVE_MARKUP = """
(marker) => {
  const found = [];
  for (const e of document.querySelectorAll("*")) {
    for (const a of e.attributes) {
      if (a.name.startsWith("on") || a.name === "srcdoc") found.push(`<${e.localName} ${a.name}>`);
      if (["href", "src", "action", "formaction", "data"].includes(a.name)
          && /^[\\s\\u0000-\\u001f]*(javascript|data|vbscript):/i.test(a.value.replace(/[\\t\\n\\r]/g, ""))) {
        found.push(`<${e.localName} ${a.name}=${a.value}>`);
      }
    }
    if (e.localName === "script" && (e.textContent.includes(marker) || e.textContent.includes("alert("))) {
      found.push(`<script> ${e.textContent.slice(0, 60)}`);
    }
  }
  for (const e of document.querySelectorAll("article script, article iframe, article object, article embed, article style, article svg, article details")) {
    found.push(`<${e.localName}> in the article`);
  }
  return found;
}
"""


def build_hostile_site(tmp: Path, raw_pages: bool) -> Path:
    """The site of the hostile spec; with `raw_pages`, its pages replaced by the payloads as raw
    Markdown, as no generated page carries them: the site on its own must refuse them."""
    out = tmp / "out"
    spec_path = fuzz_docs.write_pages(HOSTILE_SPEC, out)
    if raw_pages:
        raw = f"# {HOSTILE_TITLE}\n\n" + "\n\n".join(fuzz_docs.PAYLOADS) + "\n"
        for target in (docs_cli, docs_python):
            (out / target.path(HOSTILE_LOADED)).write_text(raw, encoding="utf-8")
    site = tmp / "site"
    fuzz_docs.build_site(spec_path, out, site)
    return site


def assert_no_script_runs(page: Any, url: str, query: str | None = None) -> str:
    """Open `url` (and search the site for `query`); no dialog, no console message from spec text,
    no live markup. Returns the article's text."""
    dialogs: list[str] = []
    console: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    open_page(page, url)
    if query is not None:
        # The theme's search shows matching text from its index as HTML.
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially(query, delay=20)  # the theme searches on key events
        page.locator(".md-search-result__item").first.wait_for()
    page.mouse.move(200, 300)  # handlers that wait for the pointer
    page.wait_for_timeout(300)  # an image's error event, a toggle event: each fires after load
    assert dialogs == [], f"{url}: a script from spec text opened a dialog"
    assert [m for m in console if fuzz_docs.MARKER in m] == [], url
    assert page.evaluate(LIVE_MARKUP, fuzz_docs.MARKER) == [], url
    text: str = page.locator("article.md-content__inner").inner_text()
    return text


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile spec's site, served; yields its base URL."""
    with served(build_hostile_site(tmp_path_factory.mktemp("hostile"), raw_pages=False)) as url:
        yield url


@pytest.fixture(scope="module")
def raw_hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same with the payloads as raw pages; yields its base URL."""
    with served(build_hostile_site(tmp_path_factory.mktemp("raw"), raw_pages=True)) as url:
        yield url


@pytest.mark.parametrize("site_fixture", ["hostile_site", "raw_hostile_site"])
def test_hostile_spec_text_runs_no_script_on_the_site(site_fixture: str, request: pytest.FixtureRequest, browser: Any) -> None:
    base_url: str = request.getfixturevalue(site_fixture)
    for path in HOSTILE_PAGES:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            text = assert_no_script_runs(page, base_url + path, query=None if path else "onerror")
            # The site's name is the hostile title, as text, on every page.
            assert page.locator(".md-header__topic").first.inner_text().strip() == HOSTILE_TITLE, path
            if path:
                # Escaped, not dropped: the reader sees the text the spec holds.
                assert "<img src=x onerror=alert(document.domain)>" in text, path
                assert page.title().startswith(HOSTILE_TITLE), path
                nav = page.locator(".md-nav__link", has_text=HOSTILE_TITLE)
                assert nav.count() >= 1, "the title shows in the navigation as text"
        finally:
            context.close()


def test_markdown_meant_as_markdown_renders_on_the_site(hostile_site: str, page: Any) -> None:
    open_page(page, hostile_site + HOSTILE_PAGES[0])
    article = page.locator("article")
    assert article.locator("em", has_text="emphasis").count() >= 1
    assert article.locator("a[href='https://example.com/?a=1&b=2']").count() >= 1
    assert article.locator("li p, li li", has_text="two").count() >= 1


def test_site_markdown_refuses_raw_html_on_its_own() -> None:
    """The site's Markdown extension (docs-site/hooks.py) without a browser: raw payloads, not escaped
    by the generator, come out as text; links to http(s) and relative addresses stay links."""
    hooks = import_path(ROOT / "docs-site" / "hooks.py", "docs_site_hooks")
    for payload in fuzz_docs.PAYLOADS:
        rendered = markdown.Markdown(extensions=["tables", hooks.NoRawHtml()]).convert(payload)
        scan = fuzz_docs.Scan(payload)
        scan.feed(f"<article>{rendered}</article>")
        scan.close()
        assert scan.problems == []
    rendered = markdown.Markdown(extensions=[hooks.NoRawHtml()]).convert("[a](https://example.com/) [b](../b.md) [c](mailto:a@b.c)")
    assert rendered.count("<a href=") == 3
