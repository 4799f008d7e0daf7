"""The spec is an input that changes: add events to it, regenerate, and the suite still passes.

A copy of the repository (what `make generate` and the tests need, no .venv) gets new event types
appended to its spec and to the entry union, is regenerated with `python -m generator generate`,
and then runs every test marked `spec_driven` (the ones that take their cases from the live spec)
with the current interpreter. Nothing in tests/ is edited in the copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from conftest import ROOT

COPIED = ("spec", "templates", "generator", "tests", "generated", "bench", "Makefile", "pyproject.toml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", ".mypy_cache")

# Plausible events of shapes the shipped spec does not use. Their tags are made up on purpose, so no
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
            totals: {values: integer, description: Totals by unit.}
            previous: {type: json, optional: true, description: "The previous report, as it was sent: any JSON value."}
            labels: {type: object, description: Labels the project set.}
            projects:
              description: Usage by project ID.
              optional: true
              values:
                fields:
                  name: {type: string, nullable: true, description: The project's name.}
                  spend: {type: float, description: Spend in dollars.}
        type: {literal: sample.usage.reported, description: The type of the event. Always `sample.usage.reported`.}
        object: {literal: event, optional: true, description: The object of the event. Always `event`.}
    """
)
NEW_TAGS = ("sample.file.indexed", "sample.job.progressed", "sample.usage.reported")


def add_events(text: str, new_types: str = NEW_TYPES) -> str:
    """The spec's text with `new_types` appended under `types:` and added to the entry union,
    the way someone editing the file would: the rest of the text is left as it is."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    top = {k.value: v for k, v in root.value}
    types = top["types"]
    entry = next(v for k, v in types.value if k.value == top["entry"].value)
    union = next(v for k, v in entry.value if k.value == "union")
    names = [k.value for k, _ in yaml.compose(new_types, Loader=yaml.SafeLoader).value]

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
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORED)
        else:
            shutil.copy2(source, dest / name)
    return dest


def run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST", "HYPOTHESIS"))}
    env.update(PYTHONPATH=str(cwd), PYTHONDONTWRITEBYTECODE="1", WEBHOOKGEN_EXAMPLES_SCALE="0.3")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_add_events_edits_the_text_in_place() -> None:
    spec_text = (ROOT / "spec" / "openai_webhooks.yaml").read_text(encoding="utf-8")
    edited = add_events(spec_text)
    assert edited.startswith(spec_text.split("\ntypes:")[0])  # the head is untouched
    data = yaml.safe_load(edited)
    for name in ("sample_file_indexed_webhook_event", "sample_job_progressed_webhook_event", "sample_usage_reported_webhook_event"):
        assert name in data["types"] and name in data["types"][data["entry"]]["union"]
    assert data["types"]["sample_job_progressed_webhook_event"]["fields"]["data"]["fields"]["stage"]["enum"][2:] == ["yes", "no"]
    flow = "title: T\npage: p.md\nmodule: m\nentry: u\ntypes:\n  a: {fields: {type: {literal: a}}}\n  u: {discriminator: type, union: [a]}\n"
    assert yaml.safe_load(add_events(flow))["types"]["u"]["union"] == ["a", *(n.replace(".", "_") + "_webhook_event" for n in NEW_TAGS)]


def test_spec_driven_suite_passes_on_a_copy_with_new_events(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    spec_file = repo / "spec" / "openai_webhooks.yaml"
    spec_file.write_text(add_events(spec_file.read_text(encoding="utf-8")), encoding="utf-8")

    # The copy's own generator, not this checkout's.
    where = run(["-c", "import generator; print(generator.__file__)"], repo, 30)
    assert Path(where.stdout.strip()).resolve().is_relative_to(repo.resolve()), where.stdout + where.stderr

    generate = run(["-m", "generator", "generate"], repo, 60)
    assert generate.returncode == 0, generate.stderr
    module = (repo / "generated" / "python" / "openai_webhooks.py").read_text(encoding="utf-8")
    for tag in NEW_TAGS:
        assert f'"{tag}"' in module
    assert run(["-m", "generator", "check"], repo, 60).returncode == 0

    tests = run(["-m", "pytest", "-m", "spec_driven", "-p", "no:cacheprovider", "-v", "--no-header", "-x", "tests"], repo, 240)
    output = tests.stdout + tests.stderr
    assert tests.returncode == 0, output[-6000:]
    assert re.search(r"\b\d+ passed\b", output), output[-2000:]
    assert " failed" not in output.rsplit("\n", 3)[-2]
    # The new events were tested one by one, and the SDK comparison listed them instead of failing.
    for tag in NEW_TAGS:
        assert f"test_every_type_round_trips[{tag}] PASSED" in output, tag
        assert f"test_parse_event_dispatches_every_type[{tag}] PASSED" in output, tag
    (listed,) = [line for line in output.splitlines() if "does not know, not compared: " in line]
    for tag in NEW_TAGS:
        assert tag in listed.split("not compared: ")[1].split(", "), tag
