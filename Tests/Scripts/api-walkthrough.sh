#!/bin/sh
# The exchange end to end against a live server, with curl: a NAV unit transfers a case with its
# documents, the embete takes it in, assigns a handler, posts an event and sends the decision back;
# the NAV unit reads it and acknowledges; the citizen's view and the audit log show what happened.
#
#   swift build -c release --product klagebro
#   sh Tests/Scripts/api-walkthrough.sh [path/to/klagebro] [port]
#
# Uses a fresh temporary data directory and development mode (synthetic numbers); stops the
# server it started, by its PID.
set -eu
K=${1:-.build/release/klagebro}
PORT=${2:-28480}
BASE=http://127.0.0.1:$PORT/api/v1
DATA=$(mktemp -d -t klagebro-walkthrough.XXXXXX)
NAV_ORGNR=310050008   # NAV Bergenhus (synthetic), kommune 4601
SF_ORGNR=310001007    # Statsforvalteren i Vestland (synthetic)

step() { printf '\n== %s\n' "$*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

step "migrate, tokens (printed once, stored as SHA-256)"
"$K" migrate --data "$DATA"
NAV=$("$K" token create --role nav --orgnr $NAV_ORGNR --data "$DATA")
SF=$("$K" token create --role statsforvalter --orgnr $SF_ORGNR --data "$DATA")
ADMIN=$("$K" token create --role admin --orgnr $NAV_ORGNR --data "$DATA")
INNSYN=$("$K" token create --role innsyn --orgnr $NAV_ORGNR --data "$DATA")

"$K" serve --data "$DATA" --port "$PORT" --development > "$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.3; done

step "the transfer: the standard's minimal example, with three real PDF files listed"
python3 - "$DATA" <<'PY'
import hashlib, json, sys, uuid, pathlib
data = pathlib.Path(sys.argv[1])
here = pathlib.Path("Schemas/examples/klagesak-oversendelse/valid/01-opprettholdt-minimal.json")
m = json.loads(here.read_text())
m["meldingId"] = str(uuid.uuid4())
for d in m["dokumenter"]:
    body = f"%PDF-1.7\n% {d['tittel']}\n%%EOF\n".encode()
    d["dokumentId"] = str(uuid.uuid4()); d["storrelse"] = len(body); d["sha512"] = hashlib.sha512(body).hexdigest()
    (data / (d["dokumentId"] + ".pdf")).write_bytes(body)
(data / "transfer.json").write_text(json.dumps(m, ensure_ascii=False))
PY
R=$(curl -s -X POST "$BASE/klagesaker" -H "Authorization: Bearer $NAV" -H "Content-Type: application/json" --data-binary @"$DATA/transfer.json")
echo "$R" | json 'd["kvitteringstype"], d["klagesakId"], d["status"], len(d["manglendeDokumenter"])'
ID=$(echo "$R" | json 'd["klagesakId"]')

step "the same message again: 200, the same receipt"
curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/klagesaker" -H "Authorization: Bearer $NAV" -H "Content-Type: application/json" --data-binary @"$DATA/transfer.json"

step "upload the documents (streamed, checked against the list)"
for f in "$DATA"/*.pdf; do
  DOC=$(basename "$f" .pdf)
  curl -s -X PUT "$BASE/klagesaker/$ID/dokumenter/$DOC" -H "Authorization: Bearer $NAV" -H "Content-Type: application/pdf" --data-binary @"$f" | json 'd["komplett"]'
done

step "the embete's inbox, then its kvittering"
curl -s "$BASE/innboks" -H "Authorization: Bearer $SF" | json '[(c["klagesakId"], c["status"]) for c in d["klagesaker"]]'
curl -s -X POST "$BASE/klagesaker/$ID/mottak" -H "Authorization: Bearer $SF" | json 'd["kvitteringstype"], d["kvittertTidspunkt"]'
curl -s "$BASE/klagesaker/$ID/kvittering" -H "Authorization: Bearer $NAV" | json 'd["kvitteringstype"]'
curl -s "$BASE/klagesaker/$ID" -H "Authorization: Bearer $SF" | json 'd["status"], [x["tittel"] for x in d["dokumenter"]]'

step "handler, status event, and an illegal one (problem naming both states)"
curl -s -X PUT "$BASE/klagesaker/$ID/saksbehandler" -H "Authorization: Bearer $SF" -H "Content-Type: application/json" -d '{"navn":"Ola Saksbehandler"}' | json 'd["status"]'
event() { printf '{"meldingstype":"statushendelse","version":"1.0.0","avsender":{"systemnavn":"walkthrough","systemversjon":"1"},"klagesakId":"%s","hendelseId":"%s","hendelsestidspunkt":"%s","aktor":{"rolle":"STATSFORVALTER","organisasjonsnummer":"%s"},"type":"klageStatus","status":"%s"}' \
  "$ID" "$(python3 -c 'import uuid;print(uuid.uuid4())')" "$(python3 -c 'import datetime;print(datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]+"Z")')" $SF_ORGNR "$1"; }
curl -s -X POST "$BASE/klagesaker/$ID/hendelser" -H "Authorization: Bearer $SF" -H "Content-Type: application/json" -d "$(event UNDER_BEHANDLING)" | json 'd["status"]'
curl -s -X POST "$BASE/klagesaker/$ID/hendelser" -H "Authorization: Bearer $SF" -H "Content-Type: application/json" -d "$(event SENDT)" | json 'd["status"], d["title"], d["gjeldendeStatus"], d["onsketStatus"]'

step "the decision back, with its document"
python3 - "$DATA" "$ID" <<'PY'
import hashlib, json, sys, uuid, pathlib
data = pathlib.Path(sys.argv[1])
m = json.loads(pathlib.Path("Schemas/examples/klagevedtak/valid/01-stadfester.json").read_text())
m["meldingId"] = str(uuid.uuid4()); m["klagesakId"] = sys.argv[2]
body = b"%PDF-1.7\n% Statsforvalterens vedtak\n%%EOF\n"
d = m["vedtaksdokument"]; d["dokumentId"] = str(uuid.uuid4()); d["storrelse"] = len(body); d["sha512"] = hashlib.sha512(body).hexdigest()
(data / "vedtak.json").write_text(json.dumps(m, ensure_ascii=False)); (data / ("vedtak-" + d["dokumentId"])).write_bytes(body)
PY
curl -s -X POST "$BASE/klagesaker/$ID/vedtak" -H "Authorization: Bearer $SF" -H "Content-Type: application/json" --data-binary @"$DATA/vedtak.json" | json 'd["kvitteringstype"], d["mottaker"]'
for f in "$DATA"/vedtak-*; do
  DOC=${f##*/vedtak-}
  curl -s -X PUT "$BASE/klagesaker/$ID/dokumenter/$DOC" -H "Authorization: Bearer $SF" -H "Content-Type: application/pdf" --data-binary @"$f" | json 'd["dokument"]["mottatt"]'
done

step "the NAV unit reads what came back and acknowledges"
MID=$(curl -s "$BASE/tilbakemeldinger" -H "Authorization: Bearer $NAV" | json 'd["tilbakemeldinger"][0]["meldingId"]')
curl -s -X POST "$BASE/tilbakemeldinger/$MID/kvitter" -H "Authorization: Bearer $NAV" | json 'd["kvittertTidspunkt"]'

step "the citizen's view (innsyn names the citizen), then the audit log"
curl -s "$BASE/klagesaker/$ID/status" -H "Authorization: Bearer $INNSYN" -H "Klagebro-Innbygger: 15838712360" | json '[(e["type"], e.get("status")) for e in d["tidslinje"]]'
curl -s "$BASE/audit?klagesakId=$ID" -H "Authorization: Bearer $ADMIN" | json '[(e["rolle"], e["handling"]) for e in d["oppforinger"]]'
"$K" audit --data "$DATA" --klagesak "$ID"

step "done (data in $DATA)"
