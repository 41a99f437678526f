#!/usr/bin/env python3
"""Computes the official verdict of every exported vector with python-jsonschema
(Draft4Validator with its FormatChecker) against the schemas published with the IDMEFv2
drafts, compares it with ajv's (official.mjs) and with each vector's expectation, and prints
every disagreement.

    python3 official.py EXPORT_DIR PUBLISHED_SCHEMAS_DIR AJV_JSON

The independent verdict is "valid" when both validators say valid. Each is weak where the
other is strong: python-jsonschema keeps the number spelling (443.0 is not a draft-04
integer) but checks an e-mail only for an "@" and skips "uri" without the rfc3987 package;
ajv checks formats fully but sees 443.0 as 443 after JSON.parse. A message either refuses is
refused by the published schema read correctly. The JSON-text steps mirror official.mjs.
"""
import json
import sys
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker

VERSIONS = {"2.D.V04", "2.D.V05", "2.D.V06", "2.D.V07", "2.D.V08"}


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def verdict(data, validate_as, validators, schemas_dir):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid"
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        msg = json.loads(text, parse_constant=refuse_constant)
    except (ValueError, RecursionError):
        return "invalid"
    if not isinstance(msg, dict):
        return "invalid"
    version = validate_as or msg.get("Version")
    if not isinstance(version, str) or version not in VERSIONS:
        return "invalid"
    if version not in validators:
        schema = json.loads((schemas_dir / f"IDMEFv2-V0{version[-1]}.schema.json").read_text())
        validators[version] = Draft4Validator(schema, format_checker=FormatChecker())
    return "valid" if validators[version].is_valid(msg) else "invalid"


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    export_dir, schemas_dir, ajv_file = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    index = json.loads((export_dir / "index.json").read_text())
    ajv = json.loads(ajv_file.read_text())
    validators = {}
    explained_by = {"FormatDisagreement", "Precision"}
    counts = {"agree": 0, "disagree": 0, "explained": 0, "python-differs": 0, "ajv-differs": 0}
    for v in index:
        data = (export_dir / v["file"]).read_bytes()
        py = verdict(data, v.get("validateAs"), validators, schemas_dir)
        js = ajv[v["id"]]
        independent = "valid" if py == "valid" and js == "valid" else "invalid"
        if py != independent:
            counts["python-differs"] += 1
        if js != independent:
            counts["ajv-differs"] += 1
        if independent == v["official"]:
            counts["agree"] += 1
        elif explained_by & set(v["flags"]):
            counts["explained"] += 1
            print(f'{v["id"]}: explained by {sorted(explained_by & set(v["flags"]))}: vector says official={v["official"]}, python-jsonschema={py}, ajv={js}')
        else:
            counts["disagree"] += 1
            print(f'{v["id"]}: vector says official={v["official"]}, python-jsonschema={py}, ajv={js}')
    print(f'{len(index)} vectors: {counts["agree"]} agree, {counts["explained"]} differ for a reason their flags give, {counts["disagree"]} disagree '
          f'(python-jsonschema alone would differ on {counts["python-differs"]}, ajv alone on {counts["ajv-differs"]})')
    sys.exit(1 if counts["disagree"] else 0)


if __name__ == "__main__":
    main()
