#!/usr/bin/env bash
# Exchange benchmarks beside the Hummingbird peer, in one run (see ../shared/bench/README.md):
#   post:   durable submission of a ~4 KB klagesak transfer (POST /api/v1/klagesaker, fsync before
#           the answer), every request a new meldingId; the peer does POST /cases (one SQLite
#           transaction per request) with its own ~4 KB body.
#   status: reading a case's status (GET /api/v1/klagesaker/{id}/status) of 3000 seeded cases;
#           the peer does GET /cases/{id}/status.
#   Tests/Scripts/bench-exchange.sh        (after `swift build -c release`)
# Knobs: DURATION (10s), CONNS ("64 256"), SKIP_PEER=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
shared=${SHARED_DIR:-../shared}
work=${BENCH_WORK:-$repo/.build-bench}
bin=$repo/.build/release/klagebro
export DURATION=${DURATION:-10s} CONNS=${CONNS:-"64 256"} THREADS=${THREADS:-2}
for tool in wrk jq curl python3; do
    command -v "$tool" >/dev/null || { echo "bench-exchange: needs $tool" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "bench-exchange: build first: swift build -c release" >&2; exit 2; }

mkdir -p "$work"
rsync -a --exclude .build --exclude results --exclude .run "$shared/bench/" "$work/" 2>/dev/null \
    || cp -r "$shared/bench/." "$work/"
chmod -R u+w "$work"
mkdir -p "$work/results" "$work/.run"
tag=$(date -u +%Y%m%d-%H%M%S)
results="$work/results/exchange-$tag.jsonl"
run="$work/.run/exchange-$tag"
mkdir -p "$run"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# A ~4 KB transfer from the schema examples, its meldingId replaced per request.
python3 - "$repo/Schemas/examples/klagesak-oversendelse/valid/01-opprettholdt-minimal.json" "$run/transfer.json" <<'PY'
import json, sys
message = json.load(open(sys.argv[1]))
message["meldingId"] = "__MELDING_ID__"
reason = message["klage"]["begrunnelse"]
while len(json.dumps(message, ensure_ascii=False).encode()) < 4096:
    reason += " Jeg ber om at saken vurderes på nytt ut fra mine faktiske utgifter."
    message["klage"]["begrunnelse"] = reason
open(sys.argv[2], "w").write(json.dumps(message, ensure_ascii=False))
PY

data="$run/data"
token=$("$bin" token create --role nav --orgnr "$(jq -r .navEnhet.organisasjonsnummer "$run/transfer.json")" --data "$data" | tail -1)
port=$(free_port)
"$bin" serve --port "$port" --data "$data" --development 2>"$run/server.log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done

# Seed 3000 cases (16 keep-alive connections) and keep their klagesakIds for the status scenario.
python3 - "$port" "$token" "$run/transfer.json" "$run/ids.txt" <<'PY'
import http.client, json, sys, threading, uuid
port, token, template, out = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read(), sys.argv[4]
ids, lock, statuses = [], threading.Lock(), {}
def worker(count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        body = template.replace("__MELDING_ID__", str(uuid.uuid4())).encode()
        conn.request("POST", "/api/v1/klagesaker", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status == 201:
                ids.append(json.loads(payload)["klagesakId"])
threads = [threading.Thread(target=worker, args=(3000 // 16 + (1 if i < 3000 % 16 else 0),)) for i in range(16)]
for t in threads: t.start()
for t in threads: t.join()
open(out, "w").write("\n".join(ids) + "\n")
print(json.dumps({"seeded": len(ids), "statuses": statuses}), file=sys.stderr)
sys.exit(0 if len(ids) == 3000 else 1)
PY

cat > "$run/post_transfer.lua" <<LUA
-- POST a new transfer per request: the template with a fresh meldingId (unique per thread and counter).
local common = dofile("$work/load/lua/common.lua")
local template = common.read_file("$run/transfer.json")
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0x7fffffff), tid or 0, counter % 4096, math.random(0, 4095), counter)
  local body = template:gsub("__MELDING_ID__", id)
  return wrk.format("POST", "/api/v1/klagesaker",
    {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"}, body)
end
done = common.done
LUA
cat > "$run/get_status.lua" <<LUA
-- GET the status of a random seeded case.
local common = dofile("$work/load/lua/common.lua")
local ids = {}
for line in io.lines("$run/ids.txt") do if #line > 0 then ids[#ids + 1] = line end end
function request()
  local id = ids[math.random(1, #ids)]
  return wrk.format("GET", "/api/v1/klagesaker/" .. id .. "/status", {["Authorization"] = "Bearer $token"})
end
done = common.done
LUA

# Server CPU (user + system, in clock ticks) from /proc, as the shared harness records it for the peers.
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
measure() { # scenario conns
    local out json before after
    before=$(server_ticks)
    out=$(wrk -t"$THREADS" -c"$2" -d"$DURATION" --timeout 5s -s "$run/$1.lua" "http://127.0.0.1:$port" 2>&1 || true)
    after=$(server_ticks)
    json=$(sed -n 's/^WRKJSON //p' <<< "$out")
    [ -n "$json" ] || { echo "wrk failed: $out" >&2; json='{"wrk_failed":true,"requests":0}'; }
    jq -c -n --argjson w "$json" --arg scenario "$1" --argjson conns "$2" \
        --argjson cpu "$(( after - before ))" --argjson hz "$(getconf CLK_TCK)" \
        '{server:"klagebro", scenario:$scenario, conns:$conns} + $w
         + {server_cpu_s: ($cpu / $hz), server_cpu_us_per_req: (if $w.requests > 0 then ($cpu / $hz * 1e6 / $w.requests | floor) else null end)}' \
        | tee -a "$results"
}
for c in $CONNS; do measure post_transfer "$c"; done
for c in $CONNS; do measure get_status "$c"; done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
trap - EXIT

if [ -z "${SKIP_PEER:-}" ]; then
    if [ ! -x "$work/peers/hummingbird-peer/.build/release/HBPeer" ]; then
        echo "building the Hummingbird peer (release; several minutes the first time)" >&2
        (cd "$work/peers/hummingbird-peer" && swift build -c release >/dev/null)
    fi
    port=$(free_port)
    RESULTS="$results" SCENARIOS="post_cases get_status" NAME=hummingbird \
        "$work/load/run.sh" "$work/peers/hummingbird-peer/.build/release/HBPeer" "$port" >/dev/null
fi

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if "rps" in r]
def get(server, scenario, conns):
    return next((r for r in rows if r["server"] == server and r["scenario"] == scenario and r.get("conns") == conns), None)
print("| server | scenario | conns | req/s | p50 ms | p99 ms | errors | server CPU µs/req |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    errors = sum(r.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    cpu = r.get("server_cpu_us_per_req")
    print(f"| {r['server']} | {r['scenario']} | {r['conns']} | {r['rps']:,.0f} | {r['lat_p50_ms']:.2f} | {r['lat_p99_ms']:.2f} | {errors} | {cpu if cpu is not None else '-'} |")
for conns in (64, 256):
    for ours, peers, goal in (("post_transfer", "post_cases", 5), ("get_status", "get_status", 2)):
        a, b = get("klagebro", ours, conns), get("hummingbird", peers, conns)
        if a and b:
            print(f"{ours}/{conns}: klagebro/hummingbird = {a['rps']/b['rps']:.2f}x (goal >= {goal}), p99 {a['lat_p99_ms']:.2f} vs {b['lat_p99_ms']:.2f} ms")
PY
