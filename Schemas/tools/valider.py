#!/usr/bin/env python3
"""Validerer meldinger mot Klagebro-skjemaene med Python (validates messages offline).

For leverandører som vil sjekke en melding uten klagebro-programmet. Oppfører seg som
`klagebro validate`: skjemaet velges fra meldingens meldingstype og major-versjon, eller
med --schema.

Bruk:
  python3 Schemas/tools/valider.py melding.json [flere.json ...]
  python3 Schemas/tools/valider.py --schema Schemas/oppgave.v1.schema.json melding.json
  python3 Schemas/tools/valider.py --format json melding.json

Avslutningskoder: 0 gyldig, 1 ugyldig, 2 feil bruk eller fil som ikke kan leses.
Krever jsonschema >= 4.18. Kontrollsifre og andre semantiske regler sjekkes ikke her.
"""
import argparse
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parent.parent


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def pointer(parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def located_errors(errors):
    """Yields (instanceLocation, keyword, message) for each error, the way the 2020-12 output
    format and klagebro validate place them. Python jsonschema reports additionalProperties and
    unevaluatedProperties on the object; the standard reports them on each property that is
    not allowed (the false subschema applies to that property's value), so they are split here."""
    for e in errors:
        base = pointer(e.absolute_path)
        keyword = str(e.absolute_schema_path[-1]) if e.absolute_schema_path else ""
        if e.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(e.instance, dict):
            if e.validator == "additionalProperties":
                known = set(e.schema.get("properties", {}))
                patterns = list(e.schema.get("patternProperties", {}))
                names = [k for k in e.instance if k not in known
                         and not any(re.search(p, k) for p in patterns)]
            else:
                inside = e.message[e.message.rfind("("):]
                names = [k for k in re.findall(r"'((?:[^'\\]|\\.)*)'", inside) if k in e.instance]
            if names:
                for k in names:
                    yield base + pointer([k]), keyword, f"feltet {k!r} er ikke lov her"
                continue
        yield base, keyword, e.message


def main(argv):
    parser = argparse.ArgumentParser(description="Valider Klagebro-meldinger mot skjemaene.")
    parser.add_argument("--schema", help="skjemafil; felles.v1.schema.json hentes fra samme mappe")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("meldinger", nargs="+", help="JSON-filer som skal valideres")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2

    schema_dir = Path(args.schema).resolve().parent if args.schema else SCHEMAS
    try:
        schemas = {p.name: load(p) for p in schema_dir.glob("*.schema.json")}
        if args.schema:
            schemas[Path(args.schema).name] = load(args.schema)
    except (OSError, ValueError) as e:
        print(f"kan ikke lese skjema: {e}", file=sys.stderr)
        return 2
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values() if "$id" in s)

    results, worst = [], 0
    for name in args.meldinger:
        try:
            message = load(name)
        except (OSError, ValueError) as e:
            print(f"{name}: kan ikke leses som JSON: {e}", file=sys.stderr)
            return 2
        if args.schema:
            schema_name = Path(args.schema).name
        else:
            if not isinstance(message, dict) or not isinstance(message.get("meldingstype"), str):
                print(f"{name}: mangler meldingstype; bruk --schema", file=sys.stderr)
                return 2
            major = str(message.get("version", "1")).split(".")[0]
            schema_name = f"{message['meldingstype']}.v{major}.schema.json"
            if schema_name not in schemas:
                print(f"{name}: ukjent meldingstype eller versjon ({schema_name}); bruk --schema",
                      file=sys.stderr)
                return 2
        validator = Draft202012Validator(schemas[schema_name], registry=registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(message), key=lambda e: list(map(str, e.absolute_path)))
        results.append({
            "fil": name,
            "skjema": schemas[schema_name].get("$id", schema_name),
            "gyldig": not errors,
            "feil": [{"instanceLocation": loc, "keyword": keyword, "melding": msg}
                     for loc, keyword, msg in located_errors(errors)],
        })
        if errors:
            worst = 1

    if args.format == "json":
        print(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2,
                         default=str))
    else:
        for r in results:
            print(f"{r['fil']}: {'gyldig' if r['gyldig'] else 'UGYLDIG'} ({r['skjema']})")
            for e in r["feil"]:
                print(f"  {e['instanceLocation'] or '(roten)'}: {e['keyword']}: {e['melding']}")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
