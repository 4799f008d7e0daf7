"""Random edits of the fixture specs through `diff`, checked against the generated decoders (see
tests/diff_oracle.py): a change called safe never lets a NEW-valid payload be rejected by OLD, and
every witness is rejected by OLD and decoded by NEW as its event. Each edit is checked both ways.

    python tests/fuzz_diff.py --cases 1000 --seed 0     (make fuzz runs it; make test runs 150)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diff_oracle import run  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    start = time.monotonic()
    tally, failures, refused = run(args.cases, args.seed, sys.stderr)
    for f in failures[:10]:
        print(f, file=sys.stderr)
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(tally.kinds.items()))
    print(
        f"diff: {args.cases} edits ({refused} more refused by the loader), {tally.pairs} diffs, {tally.changes} changes "
        f"({tally.breaking} breaking, {tally.witnesses} witnesses checked), {tally.payloads} NEW-valid payloads "
        f"({tally.rejected_by_old} rejected by OLD, each under a breaking change), {len(failures)} failures, "
        f"{time.monotonic() - start:.0f} s\n  {kinds}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
