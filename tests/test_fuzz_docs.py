"""A short run of the docs fuzzer (`make fuzz` runs the long one): hostile descriptions through the
site's build, and no page with markup from them."""

from __future__ import annotations

import fuzz_docs


def test_hostile_descriptions_make_no_live_markup_on_the_site() -> None:
    stats = fuzz_docs.run(cases=120, seed=20261202)
    assert not stats.failures, "\n\n".join(stats.failures)
    assert stats.descriptions == 120 and stats.builds == 2


def test_the_scan_finds_live_markup() -> None:
    """The fuzzer's check itself: each kind of live markup it must report."""
    page = (
        '<html><head><script src="assets/x.js"></script></head><body><article><p onclick="x()">a</p>'
        '<a href=" JavaScript:alert(1)">b</a><img src="data:image/svg+xml,x"><iframe></iframe>'
        '<a href="https://example.com/">ok</a></article><script>alert(1)</script></body></html>'
    )
    scan = fuzz_docs.Scan("p")
    scan.feed(page)
    scan.close()
    assert scan.problems == [
        "p: <p> has onclick='x()'",
        "p: <a> has href=' JavaScript:alert(1)'",
        "p: <img> has src='data:image/svg+xml,x'",
        "p: <iframe> in the article",
        "p: a script from spec text: 'alert(1)'",
    ]
