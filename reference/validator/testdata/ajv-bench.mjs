// Measures ajv (draft-04, formats in full mode, allErrors as idmefcheck reports every
// finding) on the bench messages: JSON.parse + validate, one core. Run by `make bench`:
//
//   NODE_PATH=DIR/node_modules node ajv-bench.mjs SCHEMA_DIR MESSAGE.json...
//
// SCHEMA_DIR holds <version>.schema.json (idmefcheck's generated schemas, which accept
// exactly what the published ones accept). Prints one JSON object: file → ns per message.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

const require = createRequire(import.meta.url);
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

const [schemaDir, ...files] = process.argv.slice(2);
const validators = {};
const out = {};
for (const f of files) {
  const text = readFileSync(f, "utf8");
  const version = JSON.parse(text).Version;
  if (!validators[version]) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv, { mode: "full" });
    validators[version] = ajv.compile(JSON.parse(readFileSync(join(schemaDir, `${version}.schema.json`), "utf8")));
  }
  const validate = validators[version];
  let ok;
  for (let i = 0; i < 50000; i++) ok = validate(JSON.parse(text)); // let the JIT settle
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const n = 100000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) ok = validate(JSON.parse(text));
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  out[basename(f, ".json")] = { ns: Math.round(best), valid: ok };
}
process.stdout.write(JSON.stringify(out) + "\n");
