#!/usr/bin/env bash
# Runs the black-box HTTP/1.1 probe (../shared/conformance/http_probe.py) against klagebro-echo,
# over plain HTTP and over TLS, on free loopback ports. Exits non-zero if any case fails.
#   Tests/Scripts/conformance-http.sh [BIN_DIR]       (default: .build/debug)
#   PROBE_SCOPE=all  runs all 200 cases instead of the must-pass set (reported, not gating).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin_dir=${1:-.build/debug}
shared=${SHARED_DIR:-../shared}
probe="$shared/conformance/http_probe.py"
[ -f "$probe" ] || { echo "conformance-http: $probe not found (../shared must sit beside the checkout)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_ready() { # port, scheme
    for _ in $(seq 1 100); do
        if curl -sk -o /dev/null "$2://127.0.0.1:$1/"; then return 0; fi
        sleep 0.1
    done
    echo "conformance-http: echo server on port $1 did not start" >&2
    return 1
}

Tests/Scripts/make-test-pki.sh "$work/pki" >/dev/null

scope_args=(--ids-file "$shared/conformance/http/must_pass.txt" --strict)
[ "${PROBE_SCOPE:-must}" = all ] && scope_args=()

status=0
plain_port=$(free_port)
"$bin_dir/klagebro-echo" --port "$plain_port" 2>"$work/plain.log" &
pids+=($!)
wait_ready "$plain_port" http
echo "== HTTP/1.1 probe, plain =="
python3 "$probe" "127.0.0.1:$plain_port" "${scope_args[@]}" || status=1

tls_port=$(free_port)
"$bin_dir/klagebro-echo" --port "$tls_port" --tls-cert "$work/pki/server.crt" --tls-key "$work/pki/server.key" \
    2>"$work/tls.log" &
pids+=($!)
wait_ready "$tls_port" https
echo "== HTTP/1.1 probe, TLS =="
python3 "$probe" "127.0.0.1:$tls_port" --tls "${scope_args[@]}" || status=1

exit $status
