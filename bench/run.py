"""Side-by-side benchmark, one process, one run: ratios between contenders matter, not absolutes.

Decode, on each payload set of bench/sets.py (built from the spec: one event of each type, large
arrays of objects, many unknown keys): bare json.loads vs the generated modules (stdlib, msgspec,
pydantic; all validate fully) vs the same msgspec Decoder used bare on the msgspec module's types
(what the msgspec module can at best reach) vs a discriminated pydantic TypeAdapter over the SDK's
models vs the SDK's own decode path (what `client.webhooks.unwrap` does after verifying).
Signatures: verify_signature and unwrap, ours vs the SDK's. Import time of the generated module.
Usage: make bench  (or .venv/bin/python bench/run.py [--quick] [--set N])
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Annotated, Any, Callable, Union

ROOT = Path(__file__).resolve().parent.parent
PYCACHE = tempfile.mkdtemp(prefix="bench-pycache-")  # bytecode goes here, not beside generated files
sys.pycache_prefix = PYCACHE
for target in ("python", "pydantic", "msgspec"):
    sys.path.insert(0, str(ROOT / "generated" / target))

import openai  # noqa: E402
import pydantic  # noqa: E402
from openai._models import construct_type  # noqa: E402
from openai.types.webhooks import UnwrapWebhookEvent as SdkUnion  # noqa: E402

import machine  # noqa: E402
import msgspec  # noqa: E402
from sets import PayloadSet, payload_sets  # noqa: E402

from generator import spec  # noqa: E402

ENTRY = spec.load(spec.DEFAULT).entry.name.pascal  # type: ignore[union-attr]  # the union parse_event decodes
import openai_webhooks as ours  # noqa: E402
import openai_webhooks_msgspec as ours_msgspec  # noqa: E402
import openai_webhooks_pydantic as ours_pydantic  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"benchmark secret key 0123456789").decode()


def mix() -> list[bytes]:
    """One payload of each type of the entry union (the first of bench/sets.py's sets)."""
    return payload_sets()[0].payloads


def sign(body: bytes, msg_id: str, ts: str) -> str:
    key = base64.b64decode(SECRET[6:])
    return "v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()


def interleaved(contenders: dict[str, Callable[[], object]], items: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per item of each contender, one timing of each per round, the order alternating
    between rounds, so that a noisy neighbour slows every contender of a round alike."""
    numbers = {name: timeit.Timer(fn).autorange()[0] for name, fn in contenders.items()}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for r in range(rounds):
        for name in list(contenders)[:: 1 if r % 2 == 0 else -1]:
            times[name].append(timeit.Timer(contenders[name]).timeit(numbers[name]) / numbers[name] / items)
    return times


def ratio(base: list[float], other: list[float]) -> str:
    """Median of the per-round ratios base/other (how many times faster `other` is), and their spread."""
    per_round = [b / o for b, o in zip(base, other)]
    return f"{statistics.median(per_round):.2f} ({min(per_round):.2f}–{max(per_round):.2f})"


def import_time(runs: int) -> tuple[float, float]:
    """Median seconds for `python -I -S -c "import openai_webhooks"` minus an empty interpreter start."""
    folder = str(ROOT / "generated" / "python")

    def start(code: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-S", "-X", f"pycache_prefix={PYCACHE}", "-c", code], check=True, cwd=folder)
        return time.perf_counter() - t

    empty = statistics.median(start("pass") for _ in range(runs))
    ours_ = statistics.median(start("import sys; sys.path.insert(0, '.'); import openai_webhooks") for _ in range(runs))
    sdk = statistics.median(
        subprocess_time([sys.executable, "-c", "from openai.types.webhooks import UnwrapWebhookEvent"]) for _ in range(max(3, runs // 3))
    )
    return ours_ - empty, sdk - empty


def subprocess_time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - t


def decode_table(payload_set: PayloadSet, adapter: Any, rounds: int) -> dict[str, list[float]]:
    """Every decoder on one payload set, interleaved; the contenders must agree before they are timed."""
    payloads = payload_set.payloads
    bare_msgspec = msgspec.json.Decoder(getattr(ours_msgspec, ENTRY))
    pydantic_union = getattr(ours_pydantic, ENTRY)
    loads = json.loads
    for p in payloads:
        name = type(ours.parse_event(p)).__name__
        assert name == type(ours_msgspec.parse_event(p)).__name__ == type(bare_msgspec.decode(p)).__name__
        assert name == type(pydantic_union.model_validate_json(p).root).__name__ == type(adapter.validate_json(p)).__name__
        assert ours.parse_event(p).to_dict() == loads(p)
    return interleaved(
        {
            "json.loads (no validation)": lambda: [loads(p) for p in payloads],
            "stdlib module: parse_event": lambda: [ours.parse_event(p) for p in payloads],
            "msgspec module: parse_event": lambda: [ours_msgspec.parse_event(p) for p in payloads],
            "msgspec Decoder, bare, same types": lambda: [bare_msgspec.decode(p) for p in payloads],
            "pydantic module: UnwrapWebhookEvent.model_validate_json": lambda: [pydantic_union.model_validate_json(p) for p in payloads],
            "SDK models: pydantic TypeAdapter.validate_json": lambda: [adapter.validate_json(p) for p in payloads],
            "SDK decode: construct_type(json.loads)": lambda: [construct_type(type_=SdkUnion, value=loads(p)) for p in payloads],
        },
        len(payloads),
        rounds,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run, not for the README)")
    parser.add_argument("--set", type=int, action="append", help="only these payload sets (0 is the mix), and no signatures")
    args = parser.parse_args()
    rounds = 3 if args.quick else 9

    sets = payload_sets()
    payloads = sets[0].payloads
    n = len(payloads)
    sdk_models = tuple(ours_name_to_sdk().values())
    adapter = pydantic.TypeAdapter(Annotated[Union[sdk_models], pydantic.Field(discriminator="type")])
    client = openai.OpenAI(api_key="benchmark-key-not-used", base_url="http://127.0.0.1:9")
    now = str(int(time.time()))
    signed = [(p, {"webhook-id": f"msg_{i}", "webhook-timestamp": now, "webhook-signature": sign(p, f"msg_{i}", now)}) for i, p in enumerate(payloads)]

    # The contenders must agree before they are timed.
    for p, headers in signed:
        mine = ours.unwrap(p, headers, secret=SECRET)
        theirs = client.webhooks.unwrap(p, headers, secret=SECRET)
        assert type(mine).__name__ == type(theirs).__name__

    print(f"Machine: {machine.describe(load=True)}; {rounds} interleaved rounds per table.")
    print("Ratios are medians of the per-round ratios, with their spread (min–max) in brackets.\n")
    chosen = args.set if args.set else range(len(sets))
    for i in chosen:
        payload_set = sets[i]
        decode = decode_table(payload_set, adapter, rounds)
        base = decode["json.loads (no validation)"]
        print(f"| decode: {payload_set.name} ({len(payload_set.payloads)} × {payload_set.size}) | µs per payload (median) | throughput vs json.loads |")
        print("|---|---:|---:|")
        for name, times in decode.items():
            print(f"| {name} | {statistics.median(times) * 1e6:.2f} | {ratio(base, times)} |")
        bare = decode["msgspec Decoder, bare, same types"]
        print(f"| msgspec module vs the bare Decoder | | {ratio(bare, decode['msgspec module: parse_event'])} |")
        print(flush=True)
    if args.set:
        return

    verify, sdk_verify = ours.verify_signature, client.webhooks.verify_signature
    unwrap, sdk_unwrap = ours.unwrap, client.webhooks.unwrap
    signatures = interleaved(
        {
            "verify_signature (stdlib module)": lambda: [verify(p, h, secret=SECRET) for p, h in signed],
            "verify_signature (SDK)": lambda: [sdk_verify(p, h, secret=SECRET) for p, h in signed],
            "unwrap (stdlib module: verify + full validation)": lambda: [unwrap(p, h, secret=SECRET) for p, h in signed],
            "unwrap (SDK)": lambda: [sdk_unwrap(p, h, secret=SECRET) for p, h in signed],
        },
        n,
        rounds,
    )
    our_import, sdk_import = import_time(15 if rounds > 3 else 5)

    print(f"| signatures ({sets[0].name}) | µs per event (median) | speed vs the SDK |")
    print("|---|---:|---:|")
    for name, times in signatures.items():
        sdk = signatures["verify_signature (SDK)" if name.startswith("verify") else "unwrap (SDK)"]
        print(f"| {name} | {statistics.median(times) * 1e6:.2f} | {ratio(sdk, times)} |")
    print()
    print("| import time (median) | ms |")
    print("|---|---:|")
    print(f"| stdlib module (-I -S) | {our_import * 1e3:.1f} |")
    print(f"| SDK's webhook types | {sdk_import * 1e3:.1f} |")


def ours_name_to_sdk() -> dict[str, type]:
    """The SDK's model class for each of our 15 event classes, matched by name."""
    import openai.types.webhooks as sdk_types

    names = [type(ours.parse_event(p)).__name__ for p in mix()]
    return {name: getattr(sdk_types, name) for name in names}


if __name__ == "__main__":
    main()
