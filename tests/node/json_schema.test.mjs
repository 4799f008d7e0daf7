// The JSON Schema target in ajv 8, the JSON Schema validator most JavaScript code uses: every
// committed schema compiles in strict mode with `discriminator: true`, and each agrees with the
// stdlib Python module, case by case, on the agreement corpus built from its spec
// (tests/corpus.py, sent here with the Python module's verdicts by tests/schema_corpus.py).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PYTHON = process.env.PYTHON ?? join(ROOT, ".venv", "bin", "python");

// ajv checks `format` with ajv-formats (without it, strict mode refuses a schema that has one).
function ajv() {
  return addFormats(new Ajv2020({ strict: true, discriminator: true }));
}

// Where ajv-formats' rules differ from the formats every generated decoder checks (README's table),
// by the corpus's kind of case: it takes a space for the T of a date-time, and a UUID written as
// a URN (`urn:uuid:...`).
const AJV_ACCEPTS = new Set(["date-time with a space", "uuid with urn:uuid:"]);

// Every *.schema.json under generated/ and the golden fixtures' expected/ folders.
function schemas() {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".schema.json")) found.push(relative(ROOT, path).split("\\").join("/"));
    }
  };
  walk(join(ROOT, "generated"));
  for (const fixture of readdirSync(join(ROOT, "tests", "golden"), { withFileTypes: true })) {
    const expected = join(ROOT, "tests", "golden", fixture.name, "expected");
    if (fixture.isDirectory() && existsSync(expected)) walk(expected);
  }
  return found.sort();
}

function load(path) {
  return JSON.parse(readFileSync(join(ROOT, path), "utf8"));
}

const FOUND = schemas();

let CORPUS;
function corpus() {
  if (CORPUS !== undefined) return CORPUS;
  assert.ok(existsSync(PYTHON), `${PYTHON} is missing: \`make test\` creates .venv (or set PYTHON)`);
  const run = spawnSync(PYTHON, [join(ROOT, "tests", "schema_corpus.py")], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28, timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  CORPUS = JSON.parse(run.stdout);
  return CORPUS;
}

test("there are schemas to check: the shipped spec's and every golden fixture's", () => {
  assert.ok(FOUND.includes("generated/schema/openai_webhooks.schema.json"), FOUND.join(", "));
  const fixtures = readdirSync(join(ROOT, "tests", "golden"), { withFileTypes: true }).filter((d) => existsSync(join(ROOT, "tests", "golden", d.name, "spec.yaml")));
  assert.ok(fixtures.length > 0);
  for (const fixture of fixtures) assert.ok(FOUND.some((path) => path.startsWith(`tests/golden/${fixture.name}/expected/`)), `no schema for ${fixture.name}`);
});

for (const path of FOUND) {
  test(`${path} compiles in ajv's strict mode with discriminator: true`, () => {
    const schema = load(path);
    const validate = ajv().compile(schema); // throws on anything strict mode or the discriminator refuses
    assert.equal(typeof validate, "function");
  });
}

test("the unions use the discriminator ajv reads: no mapping, each member's tag a required const", () => {
  for (const path of FOUND) {
    const defs = load(path).$defs;
    const unions = Object.entries(defs).filter(([, d]) => d.oneOf !== undefined);
    assert.ok(unions.length > 0, path);
    for (const [name, union] of unions) {
      if (union.discriminator === undefined) {
        // Variants: a tag several members share, which the keyword cannot map to one. Each branch of
        // the oneOf is a member or an anyOf of a tag's variants, every one with that tag's const.
        const branches = union.oneOf.map((b) => (b.anyOf ?? [b]).map((m) => defs[m.$ref.replace("#/$defs/", "")]));
        assert.ok(branches.some((b) => b.length > 1), `${path} ${name}: no discriminator, and no variants`);
        const key = Object.keys(branches[0][0].properties).find((k) => branches.every((b) => b.every((m) => typeof m.properties[k]?.const === "string" && m.required.includes(k))));
        assert.ok(key !== undefined, `${path} ${name}: no tag every member has`);
        const tags = branches.map((b) => new Set(b.map((m) => m.properties[key].const)));
        assert.ok(tags.every((t) => t.size === 1), `${path} ${name}: a branch's variants have one tag`);
        assert.equal(new Set(tags.map((t) => [...t][0])).size, tags.length, `${path} ${name}: one branch a tag`);
        continue;
      }
      const tag = union.discriminator?.propertyName;
      assert.equal(typeof tag, "string", `${path} ${name}`);
      assert.deepEqual(Object.keys(union.discriminator), ["propertyName"], `${path} ${name}`);
      assert.equal(union.type, "object", `${path} ${name}`);
      for (const member of union.oneOf) {
        const target = defs[member.$ref.replace("#/$defs/", "")];
        assert.equal(typeof target.properties[tag].const, "string", `${path} ${name} ${member.$ref}`);
        assert.ok(target.required.includes(tag), `${path} ${name} ${member.$ref}`);
      }
    }
  }
});

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch (e) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
}

test("ajv agrees with the stdlib Python module on every case of the agreement corpus", () => {
  const entries = corpus();
  // Every schema found belongs to a spec the corpus covers, and the other way round.
  assert.deepEqual(entries.map((e) => e.schema).sort(), FOUND);
  for (const { spec, schema, cases } of entries) {
    const validate = ajv().compile(load(schema));
    assert.ok(cases.some((c) => c.valid) && cases.some((c) => !c.valid), `${spec}: the corpus has both verdicts`);
    const disagree = [];
    for (const c of cases) {
      const accepted = isJson(c.text) && validate(JSON.parse(c.text)); // text that is not JSON (NaN) is no instance
      const expected = AJV_ACCEPTS.has(c.kind) ? true : c.valid;
      if (accepted !== expected) disagree.push(`${c.name}: Python ${c.valid ? "accepts" : "rejects"}, ajv ${accepted ? "accepts" : "rejects"}`);
    }
    assert.deepEqual(disagree, [], `${spec}: ${disagree.length} of ${cases.length} cases disagree`);
  }
});

test("ajv reports an unknown or missing tag through the discriminator", () => {
  for (const { schema, cases } of corpus()) {
    const validate = ajv().compile(load(schema));
    const union = load(schema).$ref.replace("#/$defs/", "");
    if (load(schema).$defs[union].discriminator === undefined) continue; // variants: checked by oneOf alone (above)
    const tag = load(schema).$defs[union].discriminator.propertyName;
    const valid = JSON.parse(cases.find((c) => c.valid).text);
    assert.equal(validate({ ...valid, [tag]: `${valid[tag]}-not-a-tag` }), false);
    assert.ok(validate.errors.some((e) => e.keyword === "discriminator" && e.params.tag === tag), JSON.stringify(validate.errors));
    const { [tag]: _, ...untagged } = valid;
    assert.equal(validate(untagged), false);
    assert.ok(validate.errors.some((e) => e.keyword === "discriminator"), JSON.stringify(validate.errors));
  }
});

// ajv ignores a property named `__proto__` (a guard against prototype pollution in its generated
// code), so a spec with `json: __proto__` gets that field's value unchecked, and its presence
// unchecked unless `ownProperties: true`. The one difference from the Python module, documented in
// the README; the schema is rendered by the generator from a spec written here.
test("a JSON key named __proto__: ajv checks neither its value nor, by default, its presence", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "webhookgen-ajv-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, "proto.yaml");
  writeFileSync(spec, [
    "title: Proto", "page: proto/index.md", "module: proto_hooks", "entry: proto_event", "types:",
    "  thing_happened:", "    fields:", "      id: {type: string}", "      proto: {type: integer, json: __proto__}",
    "      ctor: {type: integer, json: constructor}", "      type: {literal: thing.happened}",
    "  proto_event:", "    discriminator: type", "    union: [thing_happened]", "",
  ].join("\n"));
  const render = "import sys\nfrom pathlib import Path\nfrom generator import spec\nfrom generator.targets import json_schema\nsys.stdout.write(json_schema.text(spec.load(Path(sys.argv[1]))))";
  const run = spawnSync(PYTHON, ["-c", render, spec], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const schema = JSON.parse(run.stdout);
  const body = (text) => JSON.parse(text);
  const whole = '{"type": "thing.happened", "id": "a", "__proto__": 1, "constructor": 2}';
  const validate = ajv().compile(schema);
  assert.equal(validate(body(whole)), true);
  assert.equal(validate(body(whole.replace('"constructor": 2', '"constructor": "2"'))), false); // any other key is checked
  assert.equal(validate(body(whole.replace(', "constructor": 2', ""))), false);
  assert.equal(validate(body(whole.replace('"__proto__": 1', '"__proto__": "1"'))), true); // the difference
  assert.equal(validate(body(whole.replace('"__proto__": 1, ', ""))), true);
  const own = new Ajv2020({ strict: true, discriminator: true, ownProperties: true }).compile(schema);
  assert.equal(own(body(whole.replace('"__proto__": 1, ', ""))), false);
  assert.equal(own(body(whole.replace('"__proto__": 1', '"__proto__": "1"'))), true);
});
