#!/usr/bin/env bash
# Schemathesis against the served OpenAPI document (issue 4): requests generated from
# /api/v1/openapi.json itself, valid and invalid, must never get a 5xx, and every answer must be
# one the document describes: a documented status code and content type, a body matching the
# response schema; invalid input refused with a 4xx, schema-valid input not refused other than as
# documented, no answer without credentials but 401. One run per role (nav, statsforvalter,
# innsyn, admin), each with its bearer token.
#
#   swift build --product klagebro
#   Tests/Scripts/schemathesis.sh [path/to/klagebro]       # default .build/debug/klagebro
#   make schemathesis                                       # the same, after building
#
#   environment: MAX_EXAMPLES (generated cases per operation and phase, default 10),
#                SEED (default 4: the same cases each run), ROLES (default all four),
#                KEEP=1 (keep the temporary data directory, server log and JUnit reports)
#
# The first run installs schemathesis (the version pinned below) with pip into a virtualenv in
# .build-schemathesis/venv (git-ignored, removed by make clean): that needs PyPI. It starts its own
# server on a fresh temporary data directory in development mode (the development registry's
# synthetic numbers), on a free port on 127.0.0.1, and stops it by its PID. Before the runs it
# seeds real cases (every valid transfer example with its documents; one case also taken in by the
# embete, given a handler, a task and the decision back), and schemathesis draws the path
# parameters from their ids half the time (Tests/Scripts/schemathesis-hooks.py pairs a case with
# its own documents), so operations on one case meet existing cases as well as random ids.
# 3-4 minutes on 2 cores (MAX_EXAMPLES=25: about 10; drawing valid transfers is slow).
# Exit status 0 only when every run passes every check; the summary of each run is printed.
set -euo pipefail

K=.build/debug/klagebro
if [ $# -ge 1 ]; then K=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); fi
cd "$(dirname "$0")/../.."
SCHEMATHESIS_VERSION=${SCHEMATHESIS_VERSION:-4.32.5}
MAX_EXAMPLES=${MAX_EXAMPLES:-10}
SEED=${SEED:-4}
ROLES=${ROLES:-nav statsforvalter innsyn admin}
VENV=.build-schemathesis/venv
NAV_ORGNR=310050008   # NAV Bergenhus (synthetic), kommune 4601: the unit of the first valid example
SF_ORGNR=310001007    # Statsforvalteren i Vestland (synthetic): the embete that covers it

[ -x "$K" ] || { echo "no klagebro binary at $K (swift build --product klagebro)" >&2; exit 2; }

if [ "$("$VENV/bin/st" --version 2>/dev/null || true)" != "st, version $SCHEMATHESIS_VERSION" ]; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
ST=$PWD/$VENV/bin/st

DATA=$(mktemp -d -t klagebro-schemathesis.XXXXXX)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "data, server log and reports kept in $DATA"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE=http://127.0.0.1:$PORT

"$K" migrate --data "$DATA" > /dev/null
declare -A TOKEN
TOKEN[nav]=$("$K" token create --role nav --orgnr $NAV_ORGNR --data "$DATA")
TOKEN[statsforvalter]=$("$K" token create --role statsforvalter --orgnr $SF_ORGNR --data "$DATA")
TOKEN[innsyn]=$("$K" token create --role innsyn --orgnr $NAV_ORGNR --data "$DATA")
TOKEN[admin]=$("$K" token create --role admin --orgnr $NAV_ORGNR --data "$DATA")
# The other examples' NAV units, only to seed their cases: cases the tested tokens are no party
# to, which must answer as a case that does not exist.
for f in Schemas/examples/klagesak-oversendelse/valid/*.json; do
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["navEnhet"]["organisasjonsnummer"])' "$f"
done | sort -u | while read -r orgnr; do
  printf '%s %s\n' "$orgnr" "$("$K" token create --role nav --orgnr "$orgnr" --data "$DATA")"
done > "$DATA/seed-tokens"

"$K" serve --host 127.0.0.1 --port "$PORT" --data "$DATA" --development > "$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$BASE/health" > /dev/null && break; sleep 0.1; done
curl -sf "$BASE/health" > /dev/null || { echo "the server did not start; its log:" >&2; cat "$DATA/serve.log" >&2; exit 1; }

echo "== seeding cases (server on $BASE)"
python3 - "$BASE" "$DATA" "${TOKEN[nav]}" "${TOKEN[statsforvalter]}" <<'PY'
"""Seeds real cases; writes the schemathesis configuration for each role (dictionaries of the
seeded ids) and seeded.json (which documents and tasks belong to which case) for the hooks."""
import hashlib, json, pathlib, sys, urllib.error, urllib.request, uuid
base, data, nav, sf = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
seed_tokens = dict(line.split() for line in (data / "seed-tokens").read_text().splitlines())
examples = pathlib.Path("Schemas/examples")


def call(method, path, token, body=None, content_type="application/json"):
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(base + "/api/v1" + path, data=body, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request) as r:
            status, payload = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, payload = e.code, e.read()
    if status not in (200, 201):
        sys.exit(f"seeding: {method} {path} answered {status}: {payload[:600]!r}")
    return json.loads(payload)


def list_pdfs(documents):
    """Small PDFs for the listed documents: their ids, sizes and hashes put in the listing."""
    files = {}
    for d in documents:
        body = b"%PDF-1.7\n% " + d.get("tittel", "dokument").encode() + b" " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
        d["dokumentId"], d["mediatype"] = str(uuid.uuid4()), "application/pdf"
        d["storrelse"], d["sha512"] = len(body), hashlib.sha512(body).hexdigest()
        files[d["dokumentId"]] = body
    return files


def transfer(m, token, upload_all):
    m["meldingId"] = str(uuid.uuid4())
    if "klagesakId" in m:
        m["klagesakId"] = str(uuid.uuid4())
    files = list_pdfs(m["dokumenter"])
    cid = call("POST", "/klagesaker", token, m)["klagesakId"]
    for doc, body in list(files.items())[: None if upload_all else -1]:
        call("PUT", f"/klagesaker/{cid}/dokumenter/{doc}", token, body, "application/pdf")
    documents[cid] = list(files)
    for party in ("klager", "fullmektig"):
        fnr = (m.get(party) or {}).get("fodselsnummer")
        if fnr and fnr not in citizens:
            citizens.append(fnr)
    return cid


documents, tasks, feedback, citizens = {}, {}, [], []
# Every valid transfer example, its last document not uploaded (a case still waiting for a file).
for path in sorted((examples / "klagesak-oversendelse" / "valid").glob("*.json")):
    m = json.loads(path.read_text())
    transfer(m, seed_tokens[m["navEnhet"]["organisasjonsnummer"]], upload_all=False)
# The tested unit's example twice more, complete: one stays as sent; the embete takes the other
# in, assigns a handler, gives the appellant a task and sends the decision back.
minimal = examples / "klagesak-oversendelse" / "valid" / "01-opprettholdt-minimal.json"
transfer(json.loads(minimal.read_text()), nav, upload_all=True)
m = json.loads(minimal.read_text())
cid = transfer(m, nav, upload_all=True)
call("POST", f"/klagesaker/{cid}/mottak", sf)
call("PUT", f"/klagesaker/{cid}/saksbehandler", sf, {"navn": "Ola Saksbehandler"})
task = json.loads((examples / "oppgave" / "valid" / "01-dokumentasjon-ett-krav.json").read_text())
task["klagesakId"], task["oppgaveId"] = cid, str(uuid.uuid4())
task["fra"] = {"rolle": "STATSFORVALTER", "organisasjonsnummer": m["embete"]["organisasjonsnummer"], "navn": m["embete"]["navn"]}
call("POST", f"/klagesaker/{cid}/oppgaver", sf, task)
tasks[task["oppgaveId"]] = cid
vedtak = json.loads((examples / "klagevedtak" / "valid" / "01-stadfester.json").read_text())
vedtak["meldingId"], vedtak["klagesakId"] = str(uuid.uuid4()), cid
files = list_pdfs([vedtak["vedtaksdokument"]])
call("POST", f"/klagesaker/{cid}/vedtak", sf, vedtak)
for doc, body in files.items():
    call("PUT", f"/klagesaker/{cid}/dokumenter/{doc}", sf, body, "application/pdf")
documents[cid] += list(files)
feedback += [task["oppgaveId"], vedtak["meldingId"]]
(data / "seeded.json").write_text(json.dumps({"documents": documents, "tasks": tasks}))

dictionaries = {
    "klagesaker": list(documents), "dokumenter": [d for ds in documents.values() for d in ds],
    "meldinger": feedback, "oppgaver": list(tasks), "innbyggere": citizens,
    "skjemaer": sorted(p.name for p in pathlib.Path("Schemas").glob("*.schema.json")),
}
common = [
    f"hooks = {json.dumps(str(pathlib.Path('Tests/Scripts/schemathesis-hooks.py').resolve()))}",
    # The generator's own health checks: the message schemas (if/then rules, a pattern on a
    # pattern, formats) make it discard most of what it draws, and draw slowly. They are about the
    # generator, not the API; left on, those operations end as errors, untested.
    'suppress-health-check = ["filter_too_much", "too_slow"]',
    "", "[cache]", "enabled = false",
    # A body valid by the schema can still fail the exchange's documented checks beyond it (check
    # digits, addressing, dates, the caller's own organisation, a body about another case): the
    # document's answer to that is 422, so 422 is an acceptable answer to schema-valid data (as is
    # 413 for an upload over the documented size). Anything else, 400, 415 or a 5xx, still fails.
    "", "[checks.positive_data_acceptance]",
    'expected-statuses = ["2xx", "401", "403", "404", "409", "413", "422"]',
    "", "[dictionaries]",
] + [f"{name} = {{ values = {json.dumps(values)} }}" for name, values in dictionaries.items()] + ["", "[parameters]"]
# Each path parameter (and the citizen header of the innsyn role) takes a seeded value half the
# time and a generated one otherwise.
for key, name in [("path.klagesakId", "klagesaker"), ("path.dokumentId", "dokumenter"), ("path.meldingId", "meldinger"),
                  ("path.oppgaveId", "oppgaver"), ("path.filnavn", "skjemaer"), ("query.klagesakId", "klagesaker"),
                  ("header.Klagebro-Innbygger", "innbyggere")]:
    common.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}')

with urllib.request.urlopen(base + "/api/v1/openapi.json") as r:
    document = json.load(r)
operations = [op for methods in document["paths"].values() for op in methods.values()]
# The coverage phase (every boundary and every kind of invalid value of every parameter and body
# field, a few hundred cases for a message body) only where the role passes the role check: for
# the others every request stops at the 403 before its input is read, and the examples and
# fuzzing phases check that answer.
# The stateful phase (sequences along the links it infers: a transfer, then its receipt, case,
# documents...) only for the roles that can make the first step: for innsyn and admin every
# link's source answers 403, so no sequence gets past its first call and the phase only retries
# that, hundreds of times (1-2 minutes each).
for role in ("nav", "statsforvalter", "innsyn", "admin"):
    closed = sorted(op["operationId"] for op in operations if "x-roller" in op and role not in op["x-roller"])
    lines = common + ([] if role in ("nav", "statsforvalter") else ["", "[phases.stateful]", "enabled = false"])
    lines += ["", "[[operations]]", f"include-operation-id = {json.dumps(closed)}", "phases.coverage.enabled = false"]
    (data / f"schemathesis-{role}.toml").write_text("\n".join(lines) + "\n")
print("seeded: " + ", ".join(f"{len(v)} {k}" for k, v in dictionaries.items()))
PY

# Every check schemathesis has (`st run --help` lists them), none excluded: not_a_server_error,
# status_code_conformance, content_type_conformance, response_headers_conformance,
# response_schema_conformance, negative_data_rejection, positive_data_acceptance (422 allowed, see
# above), missing_required_header, unsupported_method, allow_header_conformance, use_after_free,
# ensure_resource_availability, ignored_auth, object_level_authorization.
FAILED=()
mkdir -p "$DATA/reports"
for role in $ROLES; do
  echo
  echo "== schemathesis as $role"
  # In the data directory: Hypothesis keeps its files (.hypothesis/) in the working directory.
  if ! (cd "$DATA" && KLAGEBRO_SCHEMATHESIS_SEEDED=$DATA/seeded.json "$ST" --config-file "$DATA/schemathesis-$role.toml" \
      run "$BASE/api/v1/openapi.json" --header "Authorization: Bearer ${TOKEN[$role]}" --checks all \
      --max-examples "$MAX_EXAMPLES" --seed "$SEED" --generation-database none --workers 1 \
      --request-timeout 20 --no-color --report junit --report-junit-path "$DATA/reports/$role.xml" \
      2>&1 | tee "$DATA/reports/$role.log"); then
    FAILED+=("$role")
  fi
done

# Schemathesis leaves out the operation that serves the document it loaded unless it is asked
# for by name: GET /api/v1/openapi.json (public), once, without credentials.
echo
echo "== schemathesis: GET /api/v1/openapi.json itself"
if ! (cd "$DATA" && "$ST" --config-file "$DATA/schemathesis-admin.toml" run "$BASE/api/v1/openapi.json" \
    --include-path /api/v1/openapi.json --checks all --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
    --generation-database none --workers 1 --request-timeout 20 --no-color 2>&1 | tee "$DATA/reports/document.log"); then
  FAILED+=("document")
fi

echo
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "schemathesis $SCHEMATHESIS_VERSION: FAILED as ${FAILED[*]} (the failures above; reproduce with SEED=$SEED)"
  exit 1
fi
echo "schemathesis $SCHEMATHESIS_VERSION: every check passed as $(echo $ROLES | sed 's/ /, /g'), and on the document itself"
