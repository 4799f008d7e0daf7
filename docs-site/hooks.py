"""MkDocs hooks: add the generated docs pages and the spec language reference to the site, where
they are (nothing is copied into docs-site/), lay out the navigation by flavour, and keep spec text
from becoming markup.

The pages' paths come from the docs targets, for the shipped spec, so a spec that moves its page
moves it on the site too. WEBHOOKGEN_DOCS_SPEC and WEBHOOKGEN_DOCS_OUT build the site of another
spec, generated into another folder (`generate --spec S --out O`; the tests and `make fuzz` do).

The generated pages carry no HTML from the spec (generator/targets/markdown_text.py); the site
holds to that on its own as well: its Markdown shows raw HTML as text and drops any link that is not
http(s), mailto or relative, and the spec's title, which the theme prints as HTML, is escaped.
"""

from __future__ import annotations

import html
import os
import re
import sys
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import spec as spec_loader  # noqa: E402
from generator.targets import docs_cli, docs_python  # noqa: E402

SPEC = Path(os.environ.get("WEBHOOKGEN_DOCS_SPEC") or ROOT / "spec" / "openai_webhooks.yaml")
GENERATED = Path(os.environ.get("WEBHOOKGEN_DOCS_OUT") or ROOT / "generated")
REFERENCE = ("spec-language.md", ROOT / "spec" / "README.md")


def flavour_pages() -> list[tuple[str, str, str]]:
    """(flavour, page title, path under generated/ and on the site) of each generated docs page."""
    loaded = spec_loader.load(SPEC)
    out = []
    for flavour, target in (("CLI", docs_cli), ("Python", docs_python)):
        path = target.path(loaded).removeprefix("docs/")
        out.append((flavour, loaded.title, path))
    return out


def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    nav: list[Any] = [{"Home": "index.md"}]
    for flavour, title, path in flavour_pages():
        # The theme prints a title from the navigation as HTML.
        nav.append({flavour: [{html.escape(title): path}]})
    nav.append({"Spec language": REFERENCE[0]})
    config["nav"] = nav
    config.markdown_extensions.append(NoRawHtml())
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    titles = {path: title for _, title, path in flavour_pages()}
    if page.file.src_uri in titles:
        # The theme's <title> shows page.title through `striptags`, which undoes the escape above;
        # it prints meta.title as it is.
        page.meta["title"] = html.escape(titles[page.file.src_uri])
    return markdown


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    sources = [(path, GENERATED / "docs" / path) for _, _, path in flavour_pages()] + [REFERENCE]
    for uri, source in sources:
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run `make generate` first")
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files


# -- the site's Markdown: no raw HTML, no links but http(s), mailto and relative ----------------

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
SAFE_SCHEMES = {"http", "https", "mailto"}


def safe_url(url: str) -> bool:
    """http(s), mailto or relative, read as a browser reads it (entities decoded, leading controls
    and spaces stripped, tabs and line breaks dropped)."""
    read = re.sub(r"[\t\n\r]", "", html.unescape(url)).lstrip("".join(map(chr, range(0x21))))
    scheme = SCHEME.match(read)
    return scheme is None or scheme.group(0)[:-1].lower() in SAFE_SCHEMES


ADDRESS = {"a": "href", "img": "src"}  # the elements Markdown links with, and where the address is


class SafeLinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            attribute = ADDRESS.get(element.tag)
            url = element.get(attribute) if attribute is not None else None
            if url is not None and not safe_url(url):
                # Shown as text: a link's text, an image's description.
                text = element.get("alt") if element.tag == "img" else None
                element.tag = "span"
                element.attrib.clear()
                if text is not None:
                    element.text = text


class NoRawHtml(Extension):
    """Raw HTML in a page shows as text (Python-Markdown has no option for it: its two HTML
    processors are removed), and a link or image elsewhere than http(s), mailto or relative is
    shown as text."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(SafeLinks(md), "safe_links", 15)  # after the inline patterns (20)
