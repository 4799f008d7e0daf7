"""Side-by-side benchmark, one process, one run: ratios between contenders matter, not absolute times.

Decode: bare json.loads vs parse_event (full validation) vs a discriminated pydantic TypeAdapter over
the SDK's models vs the SDK's own decode path (what `client.webhooks.unwrap` does after verifying).
Signatures: verify_signature and unwrap, ours vs the SDK's. Import time of the generated module.
Usage: make bench  (or .venv/bin/python bench/run.py [--quick])
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import platform
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
sys.path.insert(0, str(ROOT / "generated" / "python"))

import openai  # noqa: E402
import pydantic  # noqa: E402
from openai._models import construct_type  # noqa: E402
from openai.types.webhooks import UnwrapWebhookEvent as SdkUnion  # noqa: E402

import openai_webhooks as ours  # noqa: E402

SECRET = "whsec_" + base64.b64encode(b"benchmark secret key 0123456789").decode()


def mix() -> list[bytes]:
    """One payload of each of the 15 types, as the vendor sends them (realtime with 6 SIP headers)."""
    payloads = []
    for i, tag in enumerate(sorted(ours._UNWRAP_WEBHOOK_EVENT_DECODERS)):
        data: dict[str, Any] = {"id": f"batch_{i:024d}"}
        if tag == "realtime.call.incoming":
            headers = ["From", "To", "Call-ID", "CSeq", "Contact", "User-Agent"]
            data = {
                "call_id": f"rtc_{i:032x}",
                "sip_headers": [{"name": h, "value": f"<sip:+1555000{j:04d}@example.invalid>;tag={j}"} for j, h in enumerate(headers)],
            }
        event = {"id": f"evt_{i:032x}", "created_at": 1_750_000_000 + i, "data": data, "type": tag, "object": "event"}
        payloads.append(json.dumps(event).encode())
    return payloads


def sign(body: bytes, msg_id: str, ts: str) -> str:
    key = base64.b64decode(SECRET[6:])
    return "v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()


def per_op(fn: Callable[[], object], items: int, rounds: int) -> float:
    """Median seconds per item over `rounds` timings of `fn` (which processes `items` items)."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return statistics.median(t / number / items for t in timer.repeat(repeat=rounds, number=number))


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


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run, not for the README)")
    rounds = 3 if parser.parse_args().quick else 9

    payloads = mix()
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
        assert type(mine).__name__ == type(theirs).__name__ == type(adapter.validate_json(p)).__name__

    loads = json.loads
    parse_event = ours.parse_event
    rows: dict[str, float] = {}
    rows["json.loads (no validation)"] = per_op(lambda: [loads(p) for p in payloads], n, rounds)
    rows["parse_event (full validation)"] = per_op(lambda: [parse_event(p) for p in payloads], n, rounds)
    rows["pydantic TypeAdapter.validate_json (discriminated)"] = per_op(lambda: [adapter.validate_json(p) for p in payloads], n, rounds)
    rows["SDK decode: construct_type(json.loads)"] = per_op(
        lambda: [construct_type(type_=SdkUnion, value=loads(p)) for p in payloads], n, rounds
    )
    verify, sdk_verify = ours.verify_signature, client.webhooks.verify_signature
    rows["verify_signature (ours)"] = per_op(lambda: [verify(p, h, secret=SECRET) for p, h in signed], n, rounds)
    rows["verify_signature (SDK)"] = per_op(lambda: [sdk_verify(p, h, secret=SECRET) for p, h in signed], n, rounds)
    unwrap, sdk_unwrap = ours.unwrap, client.webhooks.unwrap
    rows["unwrap (ours: verify + full validation)"] = per_op(lambda: [unwrap(p, h, secret=SECRET) for p, h in signed], n, rounds)
    rows["unwrap (SDK)"] = per_op(lambda: [sdk_unwrap(p, h, secret=SECRET) for p, h in signed], n, rounds)
    our_import, sdk_import = import_time(15 if rounds > 3 else 5)

    base = rows["json.loads (no validation)"]
    print(f"Machine: {machine()}; {n} payloads, one of each event type; median of {rounds} rounds.\n")
    print("| operation | µs per event | events/s | throughput vs json.loads |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds * 1e6:.2f} | {1 / seconds:,.0f} | {base / seconds:.2f} |")
    print()
    p, sdk_d, pyd = rows["parse_event (full validation)"], rows["SDK decode: construct_type(json.loads)"], rows["pydantic TypeAdapter.validate_json (discriminated)"]
    print("| ratio | value |")
    print("|---|---:|")
    print(f"| parse_event throughput / json.loads | {base / p:.2f} |")
    print(f"| parse_event speed vs pydantic TypeAdapter | {pyd / p:.2f}x |")
    print(f"| parse_event speed vs SDK decode | {sdk_d / p:.2f}x |")
    print(f"| verify_signature speed vs SDK | {rows['verify_signature (SDK)'] / rows['verify_signature (ours)']:.2f}x |")
    print(f"| unwrap speed vs SDK | {rows['unwrap (SDK)'] / rows['unwrap (ours: verify + full validation)']:.2f}x |")
    print(f"| import time, generated module (-I -S) | {our_import * 1e3:.1f} ms |")
    print(f"| import time, SDK's webhook types | {sdk_import * 1e3:.1f} ms |")


def ours_name_to_sdk() -> dict[str, type]:
    """The SDK's model class for each of our 15 event classes, matched by name."""
    import openai.types.webhooks as sdk_types

    names = [type(ours.parse_event(p)).__name__ for p in mix()]
    return {name: getattr(sdk_types, name) for name in names}


if __name__ == "__main__":
    main()
