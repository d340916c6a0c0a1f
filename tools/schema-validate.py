#!/usr/bin/env python3
"""Validate YAML spec files against edasmith's JSON Schema with the `jsonschema`
package (a real, independent validator: draft 2020-12). ruamel.yaml reads YAML 1.2
like edasmith does (PyYAML's YAML 1.1 would read `off` as false).

    tools/.venv/bin/python tools/schema-validate.py SCHEMA FILE...

Prints `ok FILE` or `error FILE: path: message` per problem.
Exit: 0 all valid, 1 any file invalid or unreadable, 2 usage error.
"""
import json
import sys

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError


def main(argv):
    if len(argv) < 3:
        print("usage: schema-validate.py SCHEMA FILE...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failed = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                document = YAML(typ="safe", pure=True).load(f)
        except (OSError, YAMLError) as error:
            print(f"error {path}: cannot read: {error}")
            failed += 1
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            for error in errors:
                where = "/".join(str(p) for p in error.absolute_path) or "(root)"
                print(f"error {path}: {where}: {error.message}")
        else:
            print(f"ok {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
