#!/usr/bin/env bash
# Fuzzes JSON parsing plus schema compilation and validation (Tests/Fuzz/JSONSchemaFuzz.swift) with
# libFuzzer and AddressSanitizer, for ${FUZZ_SECONDS:-600} seconds. Build output and the corpus go
# under .build-fuzz/; a crash leaves crash-* files in .build-fuzz/ and a non-zero exit status.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out=.build-fuzz
mkdir -p "$out/corpus-json"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name JSONSchemaFuzz \
    Sources/JSONSchema/*.swift Tests/Fuzz/JSONSchemaFuzz.swift -o "$out/json-schema-fuzz"
# Seed with the schema examples and a few edge cases.
for f in Schemas/examples/*/*/*.json; do [[ -f "$f" ]] && cp "$f" "$out/corpus-json/" ; done
printf '%s' '{"n": 1e400, "id": "00000000-0000-0000-0000-000000000000"}' > "$out/corpus-json/seed-1"
printf '%s' '{"$defs":{"a":{"$ref":"#/$defs/a"}},"items":{"$ref":"#"},"pattern":"^(a+)+$"}' > "$out/corpus-json/seed-2"
printf '%s' '["\ud83d\ude00", 18446744073709551616, -0.0, {"a":[[]]}]' > "$out/corpus-json/seed-3"
cd "$out"
exec ./json-schema-fuzz corpus-json -max_total_time="${FUZZ_SECONDS:-600}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1
