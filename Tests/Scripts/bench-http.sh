#!/usr/bin/env bash
# HTTP transport benchmarks, our server beside the peers in one run (see ../shared/bench/README.md):
#   1. GET /health at 64 and 256 connections: klagebro, the Hummingbird peer, nginx (static file).
#   2. HTTPS, TLS 1.3 with an RSA-2048 test certificate: keep-alive GET /health and new connections
#      with a full handshake each (Connection: close), klagebro against nginx with the same OpenSSL.
# Prints ratios measured within this run; raw lines go to $WORK/results/.
#   Tests/Scripts/bench-http.sh            (after `swift build -c release`)
# Knobs: DURATION (10s), CONNS ("64 256"), ROUNDS (1), SKIP_PEER=1, SKIP_TLS=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
shared=${SHARED_DIR:-../shared}
work=${BENCH_WORK:-$repo/.build-bench}
bin=$repo/.build/release/klagebro
export DURATION=${DURATION:-10s} CONNS=${CONNS:-"64 256"} THREADS=${THREADS:-2}

for tool in wrk nginx jq bc curl openssl; do
    command -v "$tool" >/dev/null || { echo "bench-http: needs $tool (apt-get install wrk nginx jq bc curl openssl)" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "bench-http: build first: swift build -c release" >&2; exit 2; }

# The shared harness is read-only material: work on a copy (the peers' builds stay in it).
mkdir -p "$work"
rsync -a --exclude .build --exclude results --exclude .run "$shared/bench/" "$work/" 2>/dev/null \
    || cp -r "$shared/bench/." "$work/"
chmod -R u+w "$work"
mkdir -p "$work/results"
tag=$(date -u +%Y%m%d-%H%M%S)
results="$work/results/http-$tag.jsonl"

if [ -z "${SKIP_PEER:-}" ] && [ ! -x "$work/peers/hummingbird-peer/.build/release/HBPeer" ]; then
    echo "building the Hummingbird peer (release; several minutes the first time)" >&2
    (cd "$work/peers/hummingbird-peer" && swift build -c release >/dev/null)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "== plain HTTP: GET /health ==" >&2
export RESULTS=$results SCENARIOS=health SEED_COUNT=0
for round in $(seq 1 "${ROUNDS:-1}"); do
    port=$(free_port)
    NAME=klagebro "$work/load/run.sh" "$bin serve --port $port --data $work/.run/klagebro-data" "$port" >/dev/null
    if [ -z "${SKIP_PEER:-}" ]; then
        port=$(free_port)
        NAME=hummingbird "$work/load/run.sh" "$work/peers/hummingbird-peer/.build/release/HBPeer" "$port" >/dev/null
    fi
    "$work/load/ceilings/nginx.sh" "$(free_port)" >/dev/null
done

if [ -z "${SKIP_TLS:-}" ]; then
    echo "== HTTPS (TLS 1.3, RSA-2048): keep-alive and a full handshake per request ==" >&2
    pki="$work/.run/pki-rsa"
    mkdir -p "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/server.key" -out "$pki/server.crt" -days 2 \
        -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
    cat > "$work/load/lua/health_close.lua" <<'LUA'
-- GET /health on a new connection each time: every request pays a full TLS handshake.
local common = dofile((debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./") .. "common.lua")
wrk.method = "GET"
wrk.path = "/health"
wrk.headers["Connection"] = "close"
done = common.done
LUA
    tls_run() { # name port scenario conns
        local out
        out=$(wrk -t"$THREADS" -c"$4" -d"$DURATION" --timeout 5s -s "$work/load/lua/$3.lua" "https://127.0.0.1:$2" 2>&1 || true)
        local json
        json=$(sed -n 's/^WRKJSON //p' <<< "$out")
        [ -n "$json" ] || { echo "wrk failed: $out" >&2; json='{"wrk_failed":true}'; }
        jq -c -n --argjson w "$json" --arg server "$1" --arg scenario "tls_$3" --argjson conns "$4" \
            '{server:$server, scenario:$scenario, conns:$conns} + $w' | tee -a "$results"
    }
    nginx_dir=$(mktemp -d)
    chmod 755 "$nginx_dir"; mkdir -p "$nginx_dir/www" "$nginx_dir/tmp"
    printf '{"status":"ok"}\n' > "$nginx_dir/www/health"; chmod 644 "$nginx_dir/www/health"
    nginx_port=$(free_port)
    # Session tickets and cache off on both servers: the handshake scenario measures full handshakes.
    cat > "$nginx_dir/nginx.conf" <<CONF
worker_processes 2;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $nginx_dir/tmp/body;
    proxy_temp_path $nginx_dir/tmp/proxy;
    fastcgi_temp_path $nginx_dir/tmp/fastcgi;
    uwsgi_temp_path $nginx_dir/tmp/uwsgi;
    scgi_temp_path $nginx_dir/tmp/scgi;
    default_type application/json;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $pki/server.crt;
        ssl_certificate_key $pki/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_tickets off;
        ssl_session_cache off;
        root $nginx_dir/www;
    }
}
CONF
    nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -g 'daemon off;' >"$nginx_dir/stdout.log" 2>&1 &
    nginx_pid=$!
    our_port=$(free_port)
    "$bin" serve --port "$our_port" --data "$work/.run/klagebro-tls-data" \
        --tls-cert "$pki/server.crt" --tls-key "$pki/server.key" 2>"$work/.run/klagebro-tls.log" &
    our_pid=$!
    trap 'kill $our_pid 2>/dev/null; kill -QUIT $nginx_pid 2>/dev/null; rm -rf "$nginx_dir"' EXIT
    for _ in $(seq 1 100); do
        curl -sk -o /dev/null "https://127.0.0.1:$our_port/health" && curl -sk -o /dev/null "https://127.0.0.1:$nginx_port/health" && break
        sleep 0.1
    done
    for round in $(seq 1 "${ROUNDS:-1}"); do
        tls_run klagebro "$our_port" health 64
        tls_run nginx-tls "$nginx_port" health 64
        tls_run klagebro "$our_port" health_close 64
        tls_run nginx-tls "$nginx_port" health_close 64
    done
fi

echo "== results: $results ==" >&2
python3 - "$results" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if "rps" in r]
by = collections.defaultdict(list)
for r in rows:
    by[(r["server"], r["scenario"], r.get("conns"))].append(r)
def best(server, scenario, conns):
    rs = by.get((server, scenario, conns))
    return max(rs, key=lambda r: r["rps"]) if rs else None
print("| server | scenario | conns | req/s | p50 ms | p99 ms | errors |")
print("|---|---|---:|---:|---:|---:|---:|")
for (server, scenario, conns), rs in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][2] or 0, kv[0][0])):
    for r in rs:
        errs = sum(r.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
        print(f"| {server} | {scenario} | {conns} | {r['rps']:,.0f} | {r['lat_p50_ms']:.2f} | {r['lat_p99_ms']:.2f} | {errs} |")
print()
for conns in (64, 256):
    ours, peer, nginx = best("klagebro", "health", conns), best("hummingbird", "health", conns), best("nginx-static", "health", conns)
    if ours and peer:
        print(f"health/{conns}: klagebro/hummingbird = {ours['rps']/peer['rps']:.2f}x (goal >= 2), p99 {ours['lat_p99_ms']:.2f} vs {peer['lat_p99_ms']:.2f} ms")
    if ours and nginx:
        print(f"health/{conns}: klagebro/nginx = {ours['rps']/nginx['rps']:.2f}x (goal >= 0.75)")
for scenario, goal in (("tls_health", 0.75), ("tls_health_close", 0.8)):
    ours, nginx = best("klagebro", scenario, 64), best("nginx-tls", scenario, 64)
    if ours and nginx:
        print(f"{scenario}/64: klagebro/nginx = {ours['rps']/nginx['rps']:.2f}x (goal >= {goal})")
PY
