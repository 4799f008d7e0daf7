"""MkDocs hooks: build the docs site of a spec from the generated pages, where they are (nothing is
copied into docs-site/), lay out the navigation by flavour, and keep spec text from becoming markup.

Two sites share this file. `make docs` (mkdocs.yml) builds the vendor's site: its name, home page
and navigation come from the spec (`title`, and the optional `site:` keys: spec/README.md), and it
holds only the vendor's pages. `make docs-generator` (generator.yml, `extra: webhookgen_site:
generator`) builds webhookgen's own documentation: a home page about the generator, the shipped
spec's pages as examples, and the spec language reference.

The pages' paths come from the docs targets, for the shipped spec, so a spec that moves its page
moves it on the site too. WEBHOOKGEN_DOCS_SPEC and WEBHOOKGEN_DOCS_OUT build the site of another
spec, generated into another folder (`generate --spec S --out O`; the tests and `make fuzz` do).

The generated pages carry no HTML from the spec (generator/targets/markdown_text.py); the site
holds to that on its own as well: its Markdown shows raw HTML as text (except the blank comment the
pages put between two lists) and drops any link that is not http(s), mailto or relative, and the
spec's title and site name, which the theme prints as HTML, are escaped.
"""

from __future__ import annotations

import html
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import model  # noqa: E402
from generator import spec as spec_loader  # noqa: E402
from generator.targets import docs_cli, docs_python, markdown_text  # noqa: E402

SPEC = Path(os.environ.get("WEBHOOKGEN_DOCS_SPEC") or ROOT / "spec" / "openai_webhooks.yaml")
GENERATED = Path(os.environ.get("WEBHOOKGEN_DOCS_OUT") or ROOT / "generated")
REFERENCE = ("spec-language.md", ROOT / "spec" / "README.md")
HOME = "index.md"


def generator_site(config: MkDocsConfig) -> bool:
    """Whether this is webhookgen's own documentation rather than the vendor's site."""
    return bool(config.extra.get("webhookgen_site") == "generator")


def flavour_pages(loaded: model.Spec | None = None) -> list[tuple[str, str, str]]:
    """(flavour, page title, path under generated/ and on the site) of each generated docs page."""
    loaded = loaded or spec_loader.load(SPEC)
    out = []
    for flavour, target in (("CLI", docs_cli), ("Python", docs_python)):
        path = target.path(loaded).removeprefix("docs/")
        out.append((flavour, loaded.title, path))
    return out


def link(path: str, anchor: str = "") -> str:
    """A relative Markdown link destination to a page: percent-encoded, so that no character of the
    spec's `page:` ends it early (MkDocs decodes it to find the page)."""
    return urllib.parse.quote(path) + (f"#{anchor}" if anchor else "")


def summary_line(d: model.Object) -> str:
    """A type's description as one line for the home page's list: its first paragraph, or its
    heading when that would not stay inline (it may start a list or a code block)."""
    first = re.split(r"\n[ \t]*\n", d.description or "", maxsplit=1)[0]
    one_line = " ".join(first.split())
    if not one_line or markdown_text.holds_list(one_line) or "```" in first or one_line.startswith(("#", ">")):
        return markdown_text.plain_text(d.name.title)
    return markdown_text.description(one_line)


def home_page(loaded: model.Spec) -> str:
    """The vendor site's home page: the site's name, the spec's `site: home:` text, a link to each
    flavour, and the list of events, each linked to its section on the CLI page."""
    (_, _, cli), (_, _, python) = flavour_pages(loaded)
    out = [f"# {markdown_text.plain_text(loaded.site_name)}", ""]
    if loaded.site.home is not None and loaded.site.home.strip():
        out += [markdown_text.description(loaded.site.home), ""]
    out += [
        "Every payload, field by field, in two flavours:",
        "",
        f"- [CLI]({link(cli)}): the JSON keys and their types.",
        f"- [Python]({link(python)}): the classes of the Python module {markdown_text.code_span(loaded.module)}.",
    ]
    if loaded.entry is not None:
        out += ["", "## Events", ""]
        for m in loaded.entry.members:
            anchor = slugify(m.object.name.title, "-")
            out.append(f"- [{markdown_text.code_span(m.tag)}]({link(cli, anchor)}): {summary_line(m.object)}")
    return "\n".join(out) + "\n"


def on_config(config: MkDocsConfig, **kwargs: Any) -> MkDocsConfig:
    loaded = spec_loader.load(SPEC)
    nav: list[Any] = [{"Home": HOME}]
    for flavour, title, path in flavour_pages(loaded):
        # The theme prints a title from the navigation as HTML.
        nav.append({flavour: [{html.escape(title): path}]})
    if generator_site(config):
        nav.append({"Spec language": REFERENCE[0]})
    else:
        # Pages of the vendor's own in docs_dir, after the flavours, each titled by its heading.
        own = sorted(Path(config.docs_dir).rglob("*.md"))
        nav += [p.relative_to(config.docs_dir).as_posix() for p in own if p.relative_to(config.docs_dir).as_posix() != HOME]
        # The theme prints the site's name as HTML, and through `| e` in attributes: Markup is
        # escaped once and left alone by `| e`.
        config["site_name"] = Markup(html.escape(loaded.site_name))
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
    loaded = spec_loader.load(SPEC)
    sources = [(path, GENERATED / "docs" / path) for _, _, path in flavour_pages(loaded)]
    if generator_site(config):
        sources.append(REFERENCE)
    for uri, source in sources:
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run `make generate` first")
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    if not generator_site(config) and files.get_file_from_path(HOME) is None:
        # A home page in docs_dir (docs-site/pages/index.md) replaces the one made from the spec.
        files.append(File.generated(config, HOME, content=home_page(loaded)))
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


LIST_SEPARATOR = re.compile(r"^[ ]*<!-- -->[ ]*$")


class ListSeparator(Preprocessor):
    """The blank HTML comment the generated pages put between a description's list and the bullets
    after it (CommonMark's way to end a list) does what it does in CommonMark: it ends the list, and
    shows nothing. It is the only HTML the site's Markdown keeps, and only on a line of its own."""

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if LIST_SEPARATOR.match(line):
                # Stashed like raw HTML: a block of its own between the two lists, which comes out
                # as the comment.
                indent = line[: len(line) - len(line.lstrip(" "))]
                line = indent + self.md.htmlStash.store("<!-- -->")
            out.append(line)
        return out


class NoRawHtml(Extension):
    """Raw HTML in a page shows as text (Python-Markdown has no option for it: its two HTML
    processors are removed), and a link or image elsewhere than http(s), mailto or relative is
    shown as text. The one exception is the list separator above."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.preprocessors.register(ListSeparator(md), "list_separator", 20)  # where html_block was
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(SafeLinks(md), "safe_links", 15)  # after the inline patterns (20)
