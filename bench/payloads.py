"""The benchmark's payload sets (bench/sets.py) as JSON, for bench/node_bench.mjs:
`[{"name": ..., "size": ..., "payloads": [text, ...]}, ...]`."""

from __future__ import annotations

import json
import sys

from sets import payload_sets

json.dump([{"name": s.name, "size": s.size, "payloads": [p.decode() for p in s.payloads]} for s in payload_sets()], sys.stdout)
