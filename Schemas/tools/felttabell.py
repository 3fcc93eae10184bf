#!/usr/bin/env python3
"""Lager felttabellen i Schemas/README.md fra skjemaene (generates the field table).

Tabellen står mellom markørene <!-- felttabell:start --> og <!-- felttabell:end -->.

Bruk:
  python3 Schemas/tools/felttabell.py          skriver tabellen inn i README.md
  python3 Schemas/tools/felttabell.py --check  avslutter med 1 hvis README.md ikke er oppdatert
  python3 Schemas/tools/felttabell.py --print  skriver tabellen til stdout
"""
import copy
import json
import sys
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent
README = SCHEMAS / "README.md"
START, END = "<!-- felttabell:start -->", "<!-- felttabell:end -->"
ORDER = ["klagesak-oversendelse", "statushendelse", "klagevedtak", "oppgave", "oppgavesvar"]


def load(name):
    with open(SCHEMAS / name, encoding="utf-8") as f:
        return json.load(f)


FELLES = load("felles.v1.schema.json")


def resolve(schema, root):
    """Returns (merged schema, name of the def it came from or None, root document of that def)."""
    if not isinstance(schema, dict) or "$ref" not in schema:
        return schema, None, root
    ref = schema["$ref"]
    doc, _, frag = ref.partition("#")
    target_root = FELLES if doc == "felles.v1.schema.json" else root
    name = frag.rsplit("/", 1)[-1]
    target = target_root
    for part in frag.strip("/").split("/"):
        target = target[part]
    base, inner, inner_root = resolve(target, target_root)
    merged = copy.deepcopy(base)
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "properties" and "properties" in merged:
            for p, sub in value.items():
                merged["properties"][p] = {**merged["properties"].get(p, {}), **sub}
        else:
            merged[key] = value
    if "pattern" in schema and "pattern" in base and schema["pattern"] != base["pattern"]:
        merged["pattern"] = base["pattern"] + " og " + schema["pattern"]
    return merged, inner or name, inner_root


def condition(if_schema):
    parts = []
    for p, sub in if_schema.get("properties", {}).items():
        if "const" in sub:
            parts.append(f"{p} = {json.dumps(sub['const'], ensure_ascii=False)}")
        elif "contains" in sub and "const" in sub["contains"]:
            parts.append(f"{p} inneholder {sub['contains']['const']}")
        elif sub.get("maxItems") == 0:
            parts.append(f"{p} er tom")
    return " og ".join(parts) or "vilkår"


def conditional_required(schema):
    """Maps property name -> list of conditions under which it is required."""
    out = {}
    def add(node):
        if "if" in node:
            cond = condition(node["if"])
            for p in node.get("then", {}).get("required", []):
                out.setdefault(p, []).append(f"når {cond}")
            for p in node.get("else", {}).get("required", []):
                out.setdefault(p, []).append(f"når ikke {cond}")
    add(schema)
    for sub in schema.get("allOf", []):
        add(sub)
    return out


def type_text(schema, defname):
    if "const" in schema:
        return "const " + json.dumps(schema["const"], ensure_ascii=False)
    t = schema.get("type", "")
    if "enum" in schema:
        t = f"{t} (kodeliste)"
    elif defname and defname not in ("meldingsversjon",) and t not in ("object", "array"):
        t = f"{t} ({defname})"
    elif defname == "meldingsversjon":
        t = f"{t} (semver)"
    elif "format" in schema:
        t = f"{t} ({schema['format']})"
    if t == "array":
        item, iname, _ = resolve(schema.get("items", {}), FELLES)
        inner = item.get("type", "")
        if "enum" in item:
            inner = f"{inner} (kodeliste)"
        if iname:
            inner = iname
        t = f"array av {inner}" if inner else "array"
    return t


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def rows(schema, root, pointer, required_text, description, defname, out):
    schema, name, root = resolve(schema, root)
    defname = defname or name
    desc = description or schema.get("description", "")
    if pointer:
        out.append((pointer, type_text(schema, defname), required_text, desc))
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        item, iname, root = resolve(schema["items"], root)
        if item.get("type") == "object":
            object_rows(item, root, pointer + "/*", out)
    elif schema.get("type") == "object" or "properties" in schema:
        object_rows(schema, root, pointer, out)


def object_rows(schema, root, pointer, out, extra_when=None):
    required = set(schema.get("required", []))
    conds = conditional_required(schema)
    for p, sub in schema.get("properties", {}).items():
        if sub is True or sub is False:
            continue
        if p in required:
            req = "ja"
        elif p in conds:
            req = "ja " + "; ".join(conds[p])
        else:
            req = "nei"
        if extra_when:
            req = f"{req} ({extra_when})"
        rows(sub, root, f"{pointer}/{p}", req, sub.get("description"), None, out)
    # Type-specific fields of statushendelse-style if/then rules.
    for branch in schema.get("allOf", []):
        then = branch.get("then", {})
        props = {k: v for k, v in then.get("properties", {}).items() if isinstance(v, dict) and k != "aktor"}
        if not props or "if" not in branch:
            continue
        when = "type " + condition(branch["if"]).split(" = ")[-1].strip('"')
        object_rows({"properties": props, "required": then.get("required", [])}, root, pointer, out, extra_when=f"bare {when}")


def table(meldingstype):
    name = f"{meldingstype}.v1.schema.json"
    schema = load(name)
    out = []
    object_rows(schema, schema, "", out)
    lines = [f"### {meldingstype} (`{name}`)", "", cell(schema["description"]), "",
             "| peker (pointer) | type | påkrevd (required) | beskrivelse (description) |",
             "|---|---|---|---|"]
    for pointer, t, req, desc in out:
        lines.append(f"| `{pointer}` | {cell(t)} | {cell(req)} | {cell(desc)} |")
    return "\n".join(lines)


def render():
    intro = ("Generert fra skjemaene med `python3 Schemas/tools/felttabell.py`; rediger skjemaene, ikke tabellen. "
             "`*` i en peker står for hvert element i en liste. «ja når …» betyr påkrevd på vilkår; "
             "«(bare type X)» betyr at feltet bare er lov for den hendelsestypen.")
    return "\n\n".join([intro] + [table(t) for t in ORDER])


def main(argv):
    generated = render()
    if "--print" in argv:
        print(generated)
        return 0
    text = README.read_text(encoding="utf-8")
    head, sep1, rest = text.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep1 or not sep2:
        print("README.md mangler markørene for felttabellen", file=sys.stderr)
        return 2
    new = f"{head}{START}\n{generated}\n{END}{tail}"
    if "--check" in argv:
        if new != text:
            print("README.md er ikke oppdatert; kjør python3 Schemas/tools/felttabell.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
