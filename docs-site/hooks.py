"""MkDocs hooks: add the generated docs pages and the spec language reference to the site, where
they are (nothing is copied into docs-site/), and lay out the navigation by flavour.

The pages' paths come from the docs targets, for the shipped spec, so a spec that moves its page
moves it on the site too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import spec as spec_loader  # noqa: E402
from generator.targets import docs_cli, docs_python  # noqa: E402

SPEC = ROOT / "spec" / "openai_webhooks.yaml"
GENERATED = ROOT / "generated"
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
        nav.append({flavour: [{title: path}]})
    nav.append({"Spec language": REFERENCE[0]})
    config["nav"] = nav
    return config


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    sources = [(path, GENERATED / "docs" / path) for _, _, path in flavour_pages()] + [REFERENCE]
    for uri, source in sources:
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run `make generate` first")
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
