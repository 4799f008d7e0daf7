"""Hostile spec text through the docs site: specs whose title, descriptions, JSON keys and literal
values are made of HTML, script and link tricks, rendered by the docs targets, built with MkDocs as
`make docs` builds the site, and every built page read back: no element from spec text may run
script or point elsewhere than http(s) or a relative address. The generated pages are also read on
their own, rendered by a Markdown that passes raw HTML through (the site's refuses it).

    python tests/fuzz_docs.py --cases 400 --seed 0     (make fuzz runs it; make test a short run)

Each spec holds up to SPEC_SIZE descriptions (one site build each). The payloads are also what
tests/test_docs_site.py opens in a browser.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import render, spec  # noqa: E402
from generator.targets import docs_cli, docs_python  # noqa: E402

# Each one runs script, shows markup or links elsewhere if a page passes it through; all call
# alert/console.log with MARKER so a browser test can tell them from the theme's own scripts.
MARKER = "webhookgen-xss"
PAYLOADS = [
    "<img src=x onerror=alert(document.domain)>",
    f"<script>console.log('{MARKER}');alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](java&#115;cript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](\u00a0javascript:alert(1))",
    "[x](\u2003java\u00a0script:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "\\<img src=x onerror=alert(1)>",
    "`<img src=x onerror=alert(1)>`",
    "\\\\`<img src=x onerror=alert(1)>`",
    "``<img src=x onerror=alert(1)>` ``",
    "a | b\n--|--\n`<img src=x onerror=alert(1)> | x`",
    "<!-- x --><svg onload=alert(1)>",
    "<div>\n<img src=x onerror=alert(1)>\n</div>",
    "x\r<script>alert(1)</script>",
    "x\r\n```\r\n<script>alert(1)</script>\r\n```",
    "x\r```\r<script>alert(1)</script>\r```",
    "\x02<img src=x onerror=alert(1)>\x03",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "**<img src=x onerror=alert(1)>**",
    "<details open ontoggle=alert(1)>",
    "<style>*{display:none}</style>",
    "&lt;img src=x onerror=alert(1)&gt;",
    "</title><script>alert(1)</script>",
    f"<p onmouseover=\"console.log('{MARKER}')\">hover</p>",
]
# Markdown that is meant as Markdown, and must still render.
MEANT = ["*emphasis*", "`code`", "[a link](https://example.com/?a=1&b=2)", "\n\n- one\n- two\n", "[relative](../index.md)"]
JOINS = ["", " ", "\n", "\n\n", "`", "``", "\\", "[", "]", "](", "(", ")", "<", "!", "*", "_", "|", "&", ":", "#", "\n- ", "\r"]
# JSON keys: printable, at most 100 characters, without '"' or '\' (the loader's rule).
KEYS = ["a`b", "`<img src=x onerror=alert(1)>`", "``x` ``", "<script>alert(1)</script>", "k]( javascript:alert(1))"]
VALUES = ["<img src=x onerror=alert(1)>", "`<b>x</b>`", "``", "a\n# b", "[x](javascript:alert(1))"]
SPEC_SIZE = 60  # descriptions per spec: one site build each


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text: everything but printable ASCII escaped."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in text) + '"'


def hostile_description(rng: random.Random) -> str:
    parts = [rng.choice(PAYLOADS + MEANT) for _ in range(rng.randint(1, 3))]
    return "".join(part + rng.choice(JOINS) for part in parts).strip(" ") or "x"


def spec_text(title: str, descriptions: list[str], keys: list[str] = KEYS, values: list[str] = VALUES, page: str = "hostile/index.md") -> str:
    """A spec showing `title` (also as the site's name), each description (on a field of its own, the
    first three on the site's home page too), each key (`json:`) and each value (an enum's, and a
    literal's), on the page `page`."""
    q = yaml_quoted
    # A title is one line of printable text (the loader refuses any other): its markup stays hostile.
    title = "".join(c if c.isprintable() else " " for c in title).strip() or "T"
    fields = [f"      f{i}: {{type: string, description: {q(d)}}}" for i, d in enumerate(descriptions)]
    fields += [f"      k{i}: {{type: integer, json: {q(k)}}}" for i, k in enumerate(keys)]
    fields += [f"      v{i}: {{literal: {q(v)}, description: {q(v)}}}" for i, v in enumerate(values)]
    enum = ", ".join(q(v) for v in values or ["plain"])
    # The site's name and home page (`site:`) are spec text on the site too.
    home = "\n\n".join(descriptions[:3])
    return f"""title: {q(title)}
page: {q(page)}
module: hostile
entry: hostile_event
site:
  name: {q(title)}
  home: {q(home)}
types:
  hostile_event:
    description: {q(descriptions[0])}
    discriminator: type
    union: [sample_event]
  sample_event:
    description: {q(descriptions[-1])}
    fields:
      type: {{literal: sample, description: {q(descriptions[0])}}}
      choice: {{enum: [{enum}], open: true, description: {q(descriptions[-1])}}}
""" + "\n".join(fields) + "\n"


def write_pages(text: str, out: Path) -> Path:
    """The docs pages of the spec `text` under out/docs/ (as `generate --out out` writes them); the spec
    is written beside them, for the site's hooks."""
    path = out / "spec.yaml"
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    loaded = spec.parse(text, str(path), str(path), checks=render.checks((docs_cli.TARGET, docs_python.TARGET)))
    for name, body in render.render(loaded, targets=(docs_cli.TARGET, docs_python.TARGET)).items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.encode("utf-8"))
    return path


def build_site(spec_path: Path, out: Path, site: Path) -> None:
    """The site of the pages in `out`, built as `make docs` builds it, but without --strict: the home
    page links to the shipped spec's pages, and hostile text to pages that do not exist."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--no-strict", "--config-file", str(ROOT / "docs-site" / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "WEBHOOKGEN_DOCS_SPEC": str(spec_path), "WEBHOOKGEN_DOCS_OUT": str(out)},
    )
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{result.stdout}{result.stderr}")


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset"}
SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")
# What a Markdown page's article may hold: what Python-Markdown and its extensions make, nothing else.
ARTICLE_TAGS = {
    "article", "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "code", "pre", "em", "strong", "a",
    "img", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "div", "span", "del",
}


VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed", "track"}


class Scan(html.parser.HTMLParser):
    """Every element of a built page that spec text could have made live: problems as text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.problems: list[str] = []
        self.depth_in_article = 0
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"{self.page}: <{tag}>"
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                self.problems.append(f"{where} has {name}={value!r}")
            scheme = SCHEME.match(re.sub(r"[\t\n\r]", "", value or "")) if name in URL_ATTRIBUTES else None
            if scheme and scheme.group(1).lower() not in {"http", "https", "mailto"}:
                self.problems.append(f"{where} has {name}={value!r}")
        if tag == "article" or self.depth_in_article:
            self.depth_in_article += tag not in VOID  # no end tag to come
            if tag not in ARTICLE_TAGS:
                self.problems.append(f"{where} in the article")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if self.depth_in_article and tag not in VOID:
            self.depth_in_article -= 1
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and ("alert(" in data or MARKER in data):
            self.problems.append(f"{self.page}: a script from spec text: {data[:80]!r}")


def scan_site(site: Path) -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        scanner = Scan(str(page.relative_to(site)))
        scanner.feed(text)
        scanner.close()
        problems += scanner.problems
    return problems


def plain_markdown(page: str) -> str:
    """A page as the site's Markdown renders it without the site's refusal of raw HTML
    (docs-site/hooks.py): what the page itself carries, as any Markdown renderer would show it."""
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "mdx_truly_sane_lists"],
        extension_configs={"mdx_truly_sane_lists": {"nested_indent": 2, "truly_sane": False}},
    )
    return md.convert(page)


def scan_markdown(page: str, name: str) -> list[str]:
    scanner = Scan(name)
    scanner.feed(f"<article>{plain_markdown(page)}</article>")
    scanner.close()
    return scanner.problems


def scan_pages(out: Path) -> list[str]:
    """The generated pages on their own, rendered with raw HTML passed through."""
    problems = []
    for page in sorted((out / "docs").rglob("*.md")):
        problems += scan_markdown(page.read_text(encoding="utf-8"), f"{page.relative_to(out)} as Markdown")
    return problems


@dataclass
class Stats:
    descriptions: int = 0
    builds: int = 0
    failures: list[str] = field(default_factory=list)


def run(cases: int, seed: int) -> Stats:
    rng = random.Random(seed)
    stats = Stats()
    with tempfile.TemporaryDirectory(prefix="webhookgen-fuzz-docs-") as tmp:
        while stats.descriptions < cases and len(stats.failures) < 5:
            descriptions = [hostile_description(rng) for _ in range(min(SPEC_SIZE, cases - stats.descriptions))]
            title = hostile_description(rng)
            text = spec_text(title, descriptions)
            out = Path(tmp) / f"out{stats.builds}"
            site = Path(tmp) / f"site{stats.builds}"
            try:
                build_site(write_pages(text, out), out, site)
                problems = scan_site(site)
                if not (site / "hostile" / "index.html").is_file():
                    problems.append("the site does not show the spec's page")
                problems += scan_pages(out)
            except Exception as e:  # a spec the docs cannot build is a failure too
                problems = [f"{type(e).__name__}: {e}"]
            if problems:
                stats.failures.append("\n".join(problems[:20]) + f"\n--- spec ---\n{text}")
            stats.descriptions += len(descriptions)
            stats.builds += 1
    return stats


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=400, help="hostile descriptions")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    stats = run(args.cases, args.seed)
    print(f"{stats.descriptions} hostile descriptions in {stats.builds} site builds in {time.monotonic() - started:.1f} s: {len(stats.failures)} failures")
    for failure in stats.failures:
        print("\n" + failure)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
