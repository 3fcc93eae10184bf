#!/usr/bin/env bash
# Fuzzes HTTPRequestParser with libFuzzer + AddressSanitizer: builds Tests/Fuzz/HTTPParserFuzz.swift
# together with the pure-Swift HTTPCore sources using plain swiftc (no SwiftPM), writes a seed
# corpus and a dictionary, and runs for FUZZ_SECONDS (default 600).
#   Tests/Scripts/fuzz-http.sh                 build and fuzz
#   FUZZ_SECONDS=60 Tests/Scripts/fuzz-http.sh
#   FUZZ_JOBS=2 ...                            parallel fuzzing processes (default 1)
#   Tests/Scripts/fuzz-http.sh CRASH-FILE...   build and replay the given inputs only
# Crashes land in .build-fuzz/artifacts-http/; the corpus grows in .build-fuzz/corpus-http/.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=.build-fuzz
corpus=$out/corpus-http
artifacts=$out/artifacts-http
mkdir -p "$out" "$corpus" "$artifacts"

# Built from inside $out: with -wmo -g, swiftc leaves module files in its working directory.
repo=$(pwd)
(cd "$out" && swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -g -module-name HTTPParserFuzz \
    "$repo"/Sources/HTTPCore/*.swift "$repo/Tests/Fuzz/HTTPParserFuzz.swift" -o fuzz-http) 2> "$out/fuzz-http-build.log" || {
    cat "$out/fuzz-http-build.log" >&2
    exit 1
}

if [ "$#" -gt 0 ]; then
    exec "$out/fuzz-http" "$@"
fi

seed() { printf "$2" > "$corpus/seed-$1"; }
seed get 'GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n'
seed get10 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
seed post-cl 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello'
seed post-chunked 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext="v \\"q\\""\r\nhello\r\n6;a=b\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n'
seed pipeline '\r\nGET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcHEAD /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
seed forms 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\nCONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nGET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n'
seed smuggle 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'

dict=$out/http.dict
cat > "$dict" <<'EOF'
"GET"
"POST"
"HEAD"
"OPTIONS"
"CONNECT"
" HTTP/1.1\x0d\x0a"
" HTTP/1.0\x0d\x0a"
"HTTP/"
"\x0d\x0a"
"\x0d\x0a\x0d\x0a"
"Host: "
"Content-Length: "
"Transfer-Encoding: "
"chunked"
"gzip, chunked"
"Connection: "
"close"
"keep-alive"
"Expect: 100-continue"
"0\x0d\x0a\x0d\x0a"
";ext="
"\"quoted\\\"\""
"http://"
"ffffffffffffffff"
"99999999999999999999"
EOF

parallel=()
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
"$out/fuzz-http" "$corpus" -dict="$dict" -max_total_time="${FUZZ_SECONDS:-600}" -max_len=4096 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 ${parallel[@]+"${parallel[@]}"}
