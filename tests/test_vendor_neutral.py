"""Nothing in the outputs assumes the shipped vendor: module names, paths, example error paths and
the signature's header names and secret prefix all come from the spec being generated."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import KITCHEN_SPEC
from generator import render, spec

# The spec's signature settings, none of them Standard Webhooks' defaults.
SETTINGS = "signature:\n  header_prefix: acme-\n  secret_prefix: acmesec_\n  unprefixed_secret: base64\n  tolerance: 120\n"


def outputs(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return render.render(spec.load(path))


def test_the_kitchen_sinks_outputs_name_no_other_vendor_or_folder(tmp_path: Path) -> None:
    text = KITCHEN_SPEC.read_text(encoding="utf-8")
    files = outputs(tmp_path, text)
    assert len(files) >= 6
    for rel, out in files.items():
        for word in ("openai", "generated/", "sip_header"):
            if word not in text.lower():
                assert word not in out.lower(), f"{rel} says {word!r}"


def test_signature_settings_leave_no_default_names_behind(tmp_path: Path) -> None:
    text = KITCHEN_SPEC.read_text(encoding="utf-8")
    files = outputs(tmp_path, SETTINGS + text)
    modules = {rel: out for rel, out in files.items() if rel.startswith(("python/", "typescript/"))}
    assert len(modules) == 2
    for rel, out in files.items():
        assert not re.search(r"webhook-(id|timestamp|signature)|whsec_", out), rel
    for rel, out in modules.items():
        assert "acme-id" in out and "acme-timestamp" in out and "acme-signature" in out and "acmesec_" in out, rel
        assert "120" in out, rel
    assert "`acme-*` header" in next(out for rel, out in files.items() if rel.startswith("docs/python/"))
