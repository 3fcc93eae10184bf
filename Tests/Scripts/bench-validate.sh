#!/usr/bin/env bash
# Validation speed of the JSONSchema module against peer validators, in one run.
#
# For every message type with examples in Schemas/examples/<type>/valid/, prints validations per
# second on one core for each example, already parsed and with parsing counted (our
# klagebro-bench-validate), then the peers on the same schema and files
# (python3 ../shared/bench/validate/peers.py: Python jsonschema, fastjsonschema, jsonschema-rs;
# needs `pip install jsonschema fastjsonschema jsonschema-rs`). Compare ratios within one run.
#
# Environment: BENCH_SECONDS (per measurement, default 2), SCRATCH (SwiftPM scratch path,
# default .build), BENCH_CPU_TIME=1 to time our side by thread CPU time (steadier on a busy machine;
# the peers always use wall-clock time), BENCH_PER_EXAMPLE=1 to run the peers on each example
# alone (the peers script prints only the harmonic mean of the files it is given), BENCH_ROUNDS
# (default 1) to repeat the whole run, ours and the peers alternating; with BENCH_PER_EXAMPLE=1 the
# end of the output is a table of per-example medians over the rounds and their ratios to
# jsonschema-rs (Tests/Scripts/bench-validate-summary.py). On this VM one-second rates of the same
# binary differ by up to a quarter between runs, so a single round decides little per example.
# Instruction counts instead of times: klagebro-bench-validate --iterations N under callgrind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${BENCH_SECONDS:-2}"
scratch="${SCRATCH:-.build}"
peers="$root/../shared/bench/validate/peers.py"

swift build -c release --scratch-path "$scratch" --product klagebro-bench-validate >&2
bench="$scratch/release/klagebro-bench-validate"
extra=()
if [[ "${BENCH_CPU_TIME:-0}" == "1" ]]; then extra+=(--cpu-time); fi

shopt -s nullglob
types=()
for dir in Schemas/examples/*/valid; do
    t="$(basename "$(dirname "$dir")")"
    files=("$dir"/*.json)
    if ((${#files[@]} > 0)); then types+=("$t"); fi
done
if ((${#types[@]} == 0)); then
    echo "no examples in Schemas/examples/*/valid" >&2
    exit 1
fi

run_round() {
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -m), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${types[@]}"; do
    files=(Schemas/examples/"$t"/valid/*.json)
    schema="Schemas/$t.v1.schema.json"
    echo
    echo "## $t (${#files[@]} examples, schema $schema)"
    "$bench" --refs Schemas --seconds "$seconds" "${extra[@]}" "${files[@]}"
    if [[ -f "$peers" && "${BENCH_PER_EXAMPLE:-0}" == "1" ]]; then
        for f in "${files[@]}"; do
            echo "# peers on $(basename "$f")"
            python3 "$peers" "$schema" "$f" --refs Schemas --seconds "$seconds" || echo "(peers failed)"
        done
    elif [[ -f "$peers" ]]; then
        python3 "$peers" "$schema" "${files[@]}" --refs Schemas --seconds "$seconds" || echo "(peers failed)"
    else
        echo "(peers.py not found at ../shared/bench/validate/peers.py)"
    fi
done
}

rounds="${BENCH_ROUNDS:-1}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for ((round = 1; round <= rounds; round++)); do
    if ((rounds > 1)); then echo "# round $round of $rounds"; fi
    run_round
done | tee "$log"
if [[ "${BENCH_PER_EXAMPLE:-0}" == "1" && -f "$peers" ]]; then
    echo
    python3 "$root/Tests/Scripts/bench-validate-summary.py" "$log"
fi
