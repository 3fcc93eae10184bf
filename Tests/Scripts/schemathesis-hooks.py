"""Schemathesis hooks for Tests/Scripts/schemathesis.sh (loaded through its configuration).

They change only what schemathesis sends, never what it checks responses against:

  - The standard's valid example messages (Schemas/examples/<message>/valid/) become the request
    body examples of the operations that take that message, so the examples phase sends real,
    schema-valid messages (the generator alone almost never produces one: the schemas' if/then
    rules, patterns on patterns and check digits filter nearly everything it draws).
  - The statushendelse schema's `unevaluatedProperties` is dropped from the copy the generator
    reads: schemathesis cannot generate from it at all ("Schema Error ... does not support this
    part of it"), so the operation would not be tested. Without it the generator's schema is a
    superset of the real one: what it generates as invalid is still invalid, and a body it thinks
    valid but is not gets the documented 422. The server validates with the real schema; response
    schemas do not use the keyword.
  - Path parameters drawn from the seeded ids (KLAGEBRO_SCHEMATHESIS_SEEDED names the file the
    script writes) are made to belong together: a seeded document is put in its own case, a
    seeded task's answer goes to its own case, so downloads and uploads reach real files.
  - A generated valid message naming a klagesakId gets the one in the path (the server refuses a
    body about another case with 422 before anything else), so more of them reach the case logic.
"""
import json
import os
import pathlib
import re

import schemathesis

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = REPO / "Schemas" / "examples"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _without(value, keyword):
    if isinstance(value, dict):
        return {k: (v if k in ("const", "enum", "examples", "default") else _without(v, keyword))
                for k, v in value.items() if k != keyword}
    if isinstance(value, list):
        return [_without(v, keyword) for v in value]
    return value


@schemathesis.hook
def before_load_schema(context, raw_schema):
    components = raw_schema.get("components", {}).get("schemas", {})
    if "statushendelse" in components:
        components["statushendelse"] = _without(components["statushendelse"], "unevaluatedProperties")
    prefix = "#/components/schemas/"
    for methods in raw_schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict):
                continue
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (media or {}).get("schema", {}).get("$ref", "")
            if not ref.startswith(prefix):
                continue
            folder = EXAMPLES / ref[len(prefix):] / "valid"
            examples = {p.stem: {"value": json.loads(p.read_text(encoding="utf-8"))} for p in sorted(folder.glob("*.json"))}
            if examples:
                media["examples"] = examples


def _seeded():
    path = os.environ.get("KLAGEBRO_SCHEMATHESIS_SEEDED")
    if not path:
        return {}, {}
    seeded = json.loads(pathlib.Path(path).read_text())
    case_of_document = {d: c for c, ds in seeded["documents"].items() for d in ds}
    return case_of_document, seeded["tasks"]


CASE_OF_DOCUMENT, CASE_OF_TASK = _seeded()


@schemathesis.hook
def map_case(context, case):
    meta = getattr(case, "meta", None)
    negative = meta is not None and meta.generation.mode.is_negative
    parameters = case.path_parameters or {}
    if parameters.get("klagesakId") in CASE_OF_DOCUMENT.values():
        for name, owner in (("dokumentId", CASE_OF_DOCUMENT), ("oppgaveId", CASE_OF_TASK)):
            if parameters.get(name) in owner:
                parameters["klagesakId"] = owner[parameters[name]]
    path_id = parameters.get("klagesakId")
    body = case.body
    if (not negative and isinstance(body, dict) and isinstance(path_id, str) and UUID.match(path_id)
            and isinstance(body.get("klagesakId"), str)):
        body["klagesakId"] = path_id
    return case
