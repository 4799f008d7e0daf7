"""A short run of the spec fuzzer (`make fuzz` runs the long one): only outputs or located errors."""

from __future__ import annotations

import fuzz_specs


def test_mutated_specs_render_or_fail_with_located_errors() -> None:
    stats = fuzz_specs.run(cases=300, seed=20261127)
    assert not stats.failures, "\n\n".join(stats.failures)
    assert stats.rendered > 0 and stats.refused > 0  # the mutations reach both outcomes
    assert stats.patched > 0
    assert stats.left_for_black > 0  # long names reach the layout's fallback, and black agrees
