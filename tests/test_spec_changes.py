"""The spec is an input that changes: add events to it, regenerate, and everything a user runs still passes.

A copy of the repository (the checkout's files, with its .venv and node_modules linked in rather than
installed again) gets new event types appended to its spec and to the entry union, among them one
whose `data` has no `id` and one with nothing but the discriminator; `make generate` regenerates it
(refreshing the examples' vendored modules), and `make test` runs there in full: the generator's
checks, mypy on the FastAPI example, tsc on the generated module and the Express example, the whole
pytest suite (this file's own copy test skips itself there) and the Node tests. Nothing in tests/ or
examples/ is edited in the copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT

# What the copy leaves out: the installed environments (linked in instead), git, and what builds make.
NOT_COPIED = {".git", ".venv", "node_modules", ".lock-venv", "site", "test-artifacts", ".tsbuild", "dist"}
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", ".mypy_cache", "build", "*.sqlite3")
LINKED = (".venv", "node_modules")
# Set in the copy's environment: there, the test that runs `make test` skips itself (no recursion).
IN_COPY = "WEBHOOKGEN_IN_SPEC_COPY"

# Plausible events of shapes the shipped spec does not use (among them a deprecated event with integer
# enums, descriptions of array items and map values, and a deprecated field; one that extends a
# shared object and names a shared enum; and a one_of and an open object in the usage report). Their tags are made up on purpose, so no
# release of the official SDK knows them (the SDK comparison lists them instead of comparing).
NEW_TYPES = textwrap.dedent(
    """
    sample_file_indexed_webhook_event:
      description: "Sent when a file has been indexed: or has failed to be."
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of when the file was indexed.}
        data:
          description: Event data payload.
          fields:
            id: {type: string, description: The unique ID of the file.}
            last_error:
              optional: true
              nullable: true
              description: The last error, when indexing failed.
              fields:
                code: {type: string, description: The error code.}
                message: {type: string, optional: true, description: A human-readable message.}
                retry:
                  optional: true
                  description: When to retry.
                  fields:
                    after_seconds: {type: float, description: Seconds to wait.}
        type: {literal: sample.file.indexed, description: The type of the event. Always `sample.file.indexed`.}
        object: {literal: event, optional: true, description: The object of the event. Always `event`.}

    sample_job_progressed_webhook_event:
      description: Sent when a job moves to another stage.
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of the change.}
        data:
          description: Event data payload.
          fields:
            id: {type: string, description: The unique ID of the job.}
            stage: {enum: [queued, running, "yes", "no"], description: The stage the job is in now.}
            priority: {enum: [low, high], open: true, optional: true, description: The job's priority; more may appear.}
            done: {type: boolean, description: Whether the job has finished.}
            started_at: {type: string, format: date-time, description: When the job started (RFC 3339).}
            run_id: {type: string, format: uuid, description: The run's UUID.}
            owner: {type: string, format: email, optional: true, nullable: true, description: Who to tell.}
            queued_at: {type: integer, vendor_format: unixtime, description: When it was queued.}
        note: {type: string, optional: true, nullable: true, description: "A note; absent, null or text."}
        type: {literal: sample.job.progressed, description: The type of the event. Always `sample.job.progressed`.}
        object: {literal: event, optional: true, description: The object of the event. Always `event`.}

    sample_usage_reported_webhook_event:
      description: |-
        Sent when usage for a period is reported.
        `entries` lists each metric; `totals` sums them by unit.
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of the report.}
        data:
          description: Event data payload.
          fields:
            entries:
              description: One entry per metric.
              items:
                fields:
                  metric: {type: string, description: "The metric's name: e.g. `tokens`."}
                  value: {type: float, description: The amount used.}
                  tags: {items: string, description: Free-form tags.}
                  day: {type: string, format: date, description: The day it was used.}
                  docs: {values: {type: string, format: uri}, optional: true, description: Pages about the metric.}
            totals: {values: integer, description: Totals by unit.}
            previous: {type: json, optional: true, description: "The previous report, as it was sent: any JSON value."}
            quota:
              optional: true
              description: "The quota: a number of tokens, or a limit with its unit; the first that fits wins."
              one_of: [integer, {fields: {limit: {type: integer}, unit: {type: string}}}]
            labels: {type: object, description: Labels the project set.}
            limits:
              description: "Limits by metric: `default` always, any other key a metric's own."
              fields:
                default: {type: integer, description: The limit of a metric without its own.}
              other_values: {type: integer, description: "One metric's limit."}
            projects:
              description: Usage by project ID.
              optional: true
              values:
                fields:
                  name: {type: string, nullable: true, description: The project's name.}
                  spend: {type: float, description: Spend in dollars.}
        type: {literal: sample.usage.reported, description: The type of the event. Always `sample.usage.reported`.}
        object: {literal: event, optional: true, description: The object of the event. Always `event`.}

    sample_batch_retried_webhook_event:
      description: Sent when a batch is retried.
      deprecated: "Listen for `sample.job.progressed` instead."
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of the retry.}
        data:
          description: Event data payload.
          fields:
            id: {type: string, description: The unique ID of the batch.}
            attempt: {enum: [1, 2, 3], description: Which attempt this is.}
            codes:
              description: The status codes of the failed requests.
              items: {enum: [429, 500, 503], description: One request's status code.}
            reasons:
              optional: true
              values: {type: string, description: Why the request failed.}
            legacy_id: {type: string, optional: true, deprecated: true}
        type: {literal: sample.batch.retried, description: The type of the event. Always `sample.batch.retried`.}
        object: {literal: event, optional: true, description: The object of the event. Always `event`.}

    sample_thread_archived_webhook_event:
      description: Sent when a thread is archived. Its data has no `id`.
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of when the thread was archived.}
        data:
          description: Event data payload.
          fields:
            reason: {type: string, description: Why the thread was archived.}
        type: {literal: sample.thread.archived, description: The type of the event. Always `sample.thread.archived`.}

    sample_ping_webhook_event:
      description: Sent to check that the endpoint answers. Nothing but its type.
      fields:
        type: {literal: sample.ping, description: The type of the event. Always `sample.ping`.}

    sample_currency:
      description: An ISO 4217 currency code, named by every field that holds one.
      enum: [usd, eur]

    sample_invoice_base:
      description: What every sample invoice event has.
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of the event.}

    sample_invoice_paid_webhook_event:
      description: Sent when an invoice is paid. Its first fields are those of `sample_invoice_base`.
      extends: [sample_invoice_base]
      fields:
        data:
          description: Event data payload.
          fields:
            id: {type: string, description: The unique ID of the invoice.}
            currency: {type: sample_currency}
            refund_currency: {type: sample_currency, optional: true, nullable: true, description: Where a refund would go.}
        type: {literal: sample.invoice.paid, description: The type of the event. Always `sample.invoice.paid`.}
        object: {literal: event, optional: true, description: The object of the event. Always `event`.}

    sample_account_updated_webhook_event:
      description: Sent when an account's details change.
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of the change.}
        data:
          description: Event data payload.
          fields:
            id: {type: string, description: The unique ID of the account.}
            business_name: {type: string, description: The account's registered name.}
        type: {literal: sample.account.updated, description: The type of the event. Always `sample.account.updated`.}

    sample_account_updated_legacy_webhook_event:
      description: Sent when an account's details change, in the shape endpoints on the first API version get.
      fields:
        id: {type: string, description: The unique ID of the event.}
        created_at: {type: integer, description: The Unix timestamp (in seconds) of the change.}
        account_id: {type: string, description: The unique ID of the account.}
        type: {literal: sample.account.updated, description: The type of the event. Always `sample.account.updated`.}
    """
)
NEW_TAGS = (
    "sample.file.indexed",
    "sample.job.progressed",
    "sample.usage.reported",
    "sample.batch.retried",
    "sample.thread.archived",
    "sample.ping",
    "sample.invoice.paid",
    "sample.account.updated",  # two variants: the current shape and the legacy one
)


def event_groups(new_types: str, discriminator: str) -> list[list[str]]:
    """The events of `new_types`, those that share a tag (variants) together, in order."""
    groups: dict[Any, list[str]] = {}
    for name, t in yaml.safe_load(new_types).items():
        if name.endswith("_webhook_event"):
            groups.setdefault(t["fields"].get(discriminator, {}).get("literal", name), []).append(name)
    return list(groups.values())


def add_events(text: str, new_types: str = NEW_TYPES) -> str:
    """The spec's text with `new_types` appended under `types:` and added to the entry union,
    the way someone editing the file would: the rest of the text is left as it is."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    top = {k.value: v for k, v in root.value}
    types = top["types"]
    entry = next(v for k, v in types.value if k.value == top["entry"].value)
    union = next(v for k, v in entry.value if k.value == "union")
    # The events (named `..._webhook_event`); a named enum or an object other types extend is no member.
    # Events with one tag are that tag's variants: a list of their own.
    disc = next(v for k, v in entry.value if k.value == "discriminator").value
    names = [", ".join(group) if len(group) == 1 else f"[{', '.join(group)}]" for group in event_groups(new_types, disc)]

    # Members first (they come later in the file than where nothing else moves).
    if union.flow_style:
        end = union.end_mark.index - 1  # the closing bracket
        assert text[end] == "]"
        text = text[:end] + "".join(f", {n}" for n in names) + text[end:]
    else:
        last = union.value[-1]
        line_end = text.index("\n", last.end_mark.index) if "\n" in text[last.end_mark.index :] else len(text)
        dash = " " * (last.start_mark.column - 2) + "- "
        text = text[:line_end] + "".join(f"\n{dash}{n}" for n in names) + text[line_end:]

    # Then the types, at the indentation of the existing ones, after the last of them.
    indent = " " * types.value[0][0].start_mark.column
    block = textwrap.indent(new_types.strip("\n"), indent) + "\n"
    end = yaml.compose(text, Loader=yaml.SafeLoader)
    types_end = next(v for k, v in end.value if k.value == "types").end_mark.index
    if not text[:types_end].endswith("\n"):
        block = "\n" + block
    return text[:types_end] + "\n" + block + text[types_end:]


def copy_repo(dest: Path) -> Path:
    """The checkout's files in `dest`, with its .venv and node_modules linked, not installed again."""
    dest.mkdir(parents=True)
    for source in sorted(ROOT.iterdir()):
        if source.name in NOT_COPIED or source.name in IGNORED(str(ROOT), [source.name]):
            continue
        if source.is_dir():
            shutil.copytree(source, dest / source.name, ignore=IGNORED)
        else:
            shutil.copy2(source, dest / source.name)
    for name in LINKED:
        assert (ROOT / name).is_dir(), f"{name} is missing: run `make test` once in the checkout"
        (dest / name).symlink_to(ROOT / name, target_is_directory=True)
    return dest


def environment(cwd: Path) -> dict[str, str]:
    """The outer run's environment without its Python, pytest and make settings; the copy's own code first."""
    drop = ("PYTHON", "PYTEST", "HYPOTHESIS", "MAKE", "MFLAGS", "NODE_TEST")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(PYTHONPATH=str(cwd), PYTHONDONTWRITEBYTECODE="1", WEBHOOKGEN_EXAMPLES_SCALE="0.3")
    return env


def run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=environment(cwd), capture_output=True, text=True, timeout=timeout)


def make(target: str, cwd: Path, timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
    """`make target` in the copy; the install stamps are taken as they are (-o): nothing is reinstalled."""
    command = ["make", "--no-print-directory", "-o", ".venv/.installed-stamp", "-o", "node_modules/.installed-stamp", target]
    full_env = {**environment(cwd), **env}
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


def test_add_events_edits_the_text_in_place() -> None:
    spec_text = (ROOT / "spec" / "openai_webhooks.yaml").read_text(encoding="utf-8")
    edited = add_events(spec_text)
    assert edited.startswith(spec_text.split("\ntypes:")[0])  # the head is untouched
    data = yaml.safe_load(edited)
    for name in ("sample_file_indexed_webhook_event", "sample_job_progressed_webhook_event", "sample_usage_reported_webhook_event"):
        assert name in data["types"] and name in data["types"][data["entry"]]["union"]
    assert data["types"]["sample_job_progressed_webhook_event"]["fields"]["data"]["fields"]["stage"]["enum"][2:] == ["yes", "no"]
    flow = "title: T\npage: p.md\nmodule: m\nentry: u\ntypes:\n  a: {fields: {type: {literal: a}}}\n  u: {discriminator: type, union: [a]}\n"
    expected = [g[0] if len(g) == 1 else g for g in event_groups(NEW_TYPES, "type")]
    assert yaml.safe_load(add_events(flow))["types"]["u"]["union"] == ["a", *expected]
    assert [g[0] for g in event_groups(NEW_TYPES, "type")] == [n.replace(".", "_") + "_webhook_event" for n in NEW_TAGS]
    assert any(len(g) > 1 for g in event_groups(NEW_TYPES, "type")), "an event with variants"


@pytest.fixture(scope="module")
def edited_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the checkout with NEW_TYPES added to its spec, regenerated by `make generate`."""
    if os.environ.get(IN_COPY):
        pytest.skip("already running in a copy made by this test")
    repo = copy_repo(tmp_path_factory.mktemp("spec-changes") / "repo")
    spec_file = repo / "spec" / "openai_webhooks.yaml"
    spec_file.write_text(add_events(spec_file.read_text(encoding="utf-8")), encoding="utf-8")

    # The copy's own generator, not this checkout's.
    where = run(["-c", "import generator; print(generator.__file__)"], repo, 30)
    assert Path(where.stdout.strip()).resolve().is_relative_to(repo.resolve()), where.stdout + where.stderr

    generate = make("generate", repo, 120)
    assert generate.returncode == 0, generate.stdout + generate.stderr
    for vendored in ("generated/python/openai_webhooks.py", "examples/fastapi/openai_webhooks.py", "examples/express/openai_webhooks.ts"):
        module = (repo / vendored).read_text(encoding="utf-8")
        for tag in NEW_TAGS:
            assert f'"{tag}"' in module, (vendored, tag)
    yield repo


def test_make_test_passes_on_a_copy_with_new_events(edited_copy: Path) -> None:
    tests = make("test", edited_copy, 1500, **{IN_COPY: "1", "PYTEST_ADDOPTS": "-p no:cacheprovider -v --no-header"})
    output = tests.stdout + tests.stderr
    assert tests.returncode == 0, output[-8000:]
    # Every step of `make test` ran: the examples type-checked, compiled, and tested over HTTP.
    assert "mypy --strict examples/fastapi/app.py" in output and "Success: no issues found" in output
    assert "tsc -p examples/express/tsconfig.json" in output
    assert re.search(r"^=+ \d+ passed\b.* in [\d.]+s", output, re.M), output[-3000:]
    assert re.search(r"^# fail 0$", output, re.M) and re.search(r"^# pass [1-9]\d*$", output, re.M), output[-3000:]
    # The new events were tested one by one, through the modules and both examples.
    for tag in NEW_TAGS:  # a tag's variants are numbered by pytest: `[tag0]`, `[tag1]`
        for test in ("test_every_type_round_trips", "test_parse_event_dispatches_every_type", "test_every_event_type_is_accepted_and_handled"):
            assert re.search(rf"{test}\[{re.escape(tag)}\d*\] PASSED", output), (test, tag)
        assert re.search(rf"^\s*ok \d+ - every event type is accepted and handled: {re.escape(tag)}$", output, re.M), tag
    # The SDK comparison listed them instead of failing.
    (listed,) = [line for line in output.splitlines() if "does not know, not compared: " in line]
    for tag in NEW_TAGS:
        assert tag in listed.split("not compared: ")[1].split(", "), tag


SABOTAGE = {
    # Reading a field beyond the discriminator, where an event without it is handled.
    "fastapi": ("app.py", 'log.info("handled %s (webhook-id %s)", event.type, webhook_id)', 'log.info("handled %s", event.data.id)'),
    "express": ("server.ts", "log(`handled ${event.type} (webhook-id ${webhookId})`);", "log(`handled ${event.data.id}`);"),
}


@pytest.mark.parametrize("example", sorted(SABOTAGE))
def test_make_tests_type_check_catches_an_example_reading_data_id(edited_copy: Path, example: str) -> None:
    """The check `make test` runs on each example fails once the example reads `event.data.id`
    (a copy of the example, edited; the example as it is passes the same check)."""
    file, line, sabotaged = SABOTAGE[example]
    checks = {
        "fastapi": lambda d: run(["-m", "mypy", "--strict", "--no-incremental", str(d / file)], edited_copy, 300),
        "express": lambda d: subprocess.run(
            [str(edited_copy / "node_modules/.bin/tsc"), "-p", str(d / "tsconfig.json"), "--noEmit"],
            cwd=edited_copy, capture_output=True, text=True, timeout=300,
        ),
    }
    original = edited_copy / "examples" / example
    assert line in (original / file).read_text(encoding="utf-8"), f"{example}'s handler changed: update SABOTAGE"
    control = checks[example](original)
    assert control.returncode == 0, control.stdout + control.stderr

    copy = edited_copy / "examples" / f"{example}_sabotaged"
    shutil.copytree(original, copy, ignore=IGNORED)
    source = copy / file
    source.write_text(source.read_text(encoding="utf-8").replace(line, sabotaged), encoding="utf-8")
    broken = checks[example](copy)
    output = broken.stdout + broken.stderr
    assert broken.returncode != 0, output
    assert ("has no attribute" if example == "fastapi" else "error TS2339: Property") in output, output
