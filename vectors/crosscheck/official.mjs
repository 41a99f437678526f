// Computes the official verdict of every exported vector with ajv (draft-04, formats in full
// mode) against the schemas published with the IDMEFv2 drafts, which idmefcheck does not ship.
//
//   npm install --prefix DIR ajv@8 ajv-formats@3 ajv-draft-04@1
//   NODE_PATH=DIR/node_modules node official.mjs EXPORT_DIR PUBLISHED_SCHEMAS_DIR > ajv.json
//
// EXPORT_DIR is the output of `idmefcheck vectors export --dir`. The JSON-text steps are the
// same as official.py's (see docs/vectors.md): not UTF-8, not JSON, not one value or not an
// object is invalid; a leading byte order mark is ignored (RFC 8259 section 8.1 allows it).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

const [exportDir, schemasDir] = process.argv.slice(2);
if (!exportDir || !schemasDir) {
  console.error("usage: node official.mjs EXPORT_DIR PUBLISHED_SCHEMAS_DIR");
  process.exit(2);
}
const index = JSON.parse(readFileSync(join(exportDir, "index.json"), "utf8"));
const validators = {};
function validatorFor(version) {
  if (!validators[version]) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv, { mode: "full" });
    const schema = JSON.parse(readFileSync(join(schemasDir, `IDMEFv2-V0${version.slice(-1)}.schema.json`), "utf8"));
    validators[version] = ajv.compile(schema);
  }
  return validators[version];
}
const decoder = new TextDecoder("utf-8", { fatal: true });
const out = {};
for (const v of index) {
  const bytes = readFileSync(join(exportDir, v.file));
  let verdict;
  try {
    let text = decoder.decode(bytes);
    if (text.startsWith("\ufeff")) text = text.slice(1);
    const msg = JSON.parse(text);
    if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
      verdict = "invalid";
    } else {
      const version = v.validateAs || msg.Version;
      if (!["2.D.V04", "2.D.V05", "2.D.V06", "2.D.V07", "2.D.V08"].includes(version)) {
        verdict = "invalid";
      } else {
        verdict = validatorFor(version)(msg) ? "valid" : "invalid";
      }
    }
  } catch (e) {
    verdict = "invalid";
  }
  out[v.id] = verdict;
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
