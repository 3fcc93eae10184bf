#!/usr/bin/env python3
"""Sjekker skjemaene og eksemplene i Schemas/ (checks the schemas and the examples).

- Hvert skjema er gyldig mot draft 2020-12-metaskjemaet.
- Hvert eksempel under examples/<meldingstype>/valid/ er gyldig mot skjemaet for sin
  meldingstype og major-versjon.
- Hvert eksempel under examples/<meldingstype>/invalid/ gir nøyaktig én feil, på den
  JSON Pointer-en og med det nøkkelordet som examples/expected-errors.json oppgir.

Bruk: python3 Schemas/tools/sjekk_eksempler.py   (krever jsonschema >= 4.18)
Avslutter med 0 når alt stemmer, 1 ellers.

Tall leses som Decimal, slik at multipleOf 0.01 regnes eksakt (binære flyttall gir
falske feil, f.eks. for 1234.56).
"""
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

# One implementation of reading and locating errors, shared with the vendors' stand-in validator.
from valider import SCHEMAS, load, located_errors

EXAMPLES = SCHEMAS / "examples"


def build():
    schemas, resources = {}, []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = load(path)
        Draft202012Validator.check_schema(schema)
        schemas[path.name] = schema
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return schemas, Registry().with_resources(resources)


def validator_for(message, schemas, registry):
    major = str(message.get("version", "1")).split(".")[0]
    name = f"{message.get('meldingstype')}.v{major}.schema.json"
    if name not in schemas:
        name = f"{message.get('meldingstype')}.v1.schema.json"
    schema = schemas.get(name)
    if schema is None:
        return None
    return Draft202012Validator(schema, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def main():
    schemas, registry = build()
    expected = load(EXAMPLES / "expected-errors.json")
    failures, counts = [], {}
    seen_invalid = set()
    for path in sorted(EXAMPLES.glob("*/*/*.json")):
        rel = path.relative_to(EXAMPLES).as_posix()
        kind = path.parent.name
        folder_type = path.parent.parent.name
        message = load(path)
        # Ugyldige eksempler kan ha feil meldingstype med vilje; skjemaet velges etter mappen.
        validator = validator_for({"meldingstype": folder_type,
                                   "version": message.get("version", "1.0.0") if isinstance(message, dict) else "1.0.0"},
                                  schemas, registry)
        if validator is None:
            failures.append(f"{rel}: fant ikke skjema for {folder_type}")
            continue
        errors = list(validator.iter_errors(message))
        counts.setdefault(folder_type, {"valid": 0, "invalid": 0})
        counts[folder_type][kind] = counts[folder_type].get(kind, 0) + 1
        if kind == "valid":
            for loc, keyword, msg in located_errors(errors):
                failures.append(f"{rel}: uventet feil {loc!r} {keyword}: {msg}")
        elif kind == "invalid":
            seen_invalid.add(rel)
            want = expected.get(rel)
            if want is None:
                failures.append(f"{rel}: mangler i expected-errors.json")
                continue
            located = list(located_errors(errors))
            got = [(loc, keyword) for loc, keyword, _ in located]
            if got != [(want["instanceLocation"], want["keyword"])]:
                failures.append(f"{rel}: ventet {want['instanceLocation']!r} {want['keyword']}, "
                                f"fikk {got} " + "; ".join(m[:120] for _, _, m in located))
        else:
            failures.append(f"{rel}: ukjent mappe {kind!r} (valid eller invalid)")
    for rel in sorted(set(expected) - seen_invalid):
        failures.append(f"expected-errors.json: {rel} finnes ikke")
    for t, c in sorted(counts.items()):
        print(f"{t:24} gyldige {c.get('valid', 0):3}  ugyldige {c.get('invalid', 0):3}")
    print(f"{len(schemas)} skjemaer, {sum(c.get('valid', 0) for c in counts.values())} gyldige og "
          f"{len(seen_invalid)} ugyldige eksempler")
    for f in failures:
        print("FEIL:", f)
    print("OK" if not failures else f"{len(failures)} feil")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
