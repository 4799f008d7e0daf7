"""A short run of the payload fuzzer (tests/fuzz_payloads.py) on every `make test`; `make fuzz` runs
100,000 payloads."""

from __future__ import annotations

import time

import fuzz_payloads


def test_short_fuzz_run_finds_nothing() -> None:
    start = time.monotonic()
    stats = fuzz_payloads.run(3000, seed=1)
    assert not stats.failures, "\n\n".join(stats.failures[:10])
    assert stats.cases == 3000
    # the mutations must leave a fair share of each outcome, or the run tests little
    assert stats.accepted > 300 and stats.rejected > 300 and stats.unknown > 30, stats
    assert time.monotonic() - start < 30
