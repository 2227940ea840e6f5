#!/usr/bin/env bash
# Whole-process throughput of `port jq` against jq and gojq on the same file and mapping.
# Usage: bash benchmarks/jq/run.sh [records]   (default 200000; needs jq, gojq, the .NET SDK)
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-200000}
data=${PORT_JQ_BENCH_DATA:-/tmp/port-jq-bench-$n.jsonl}
[ -s "$data" ] || jq -n -c --argjson n "$n" -f generate.jq > "$data"
dotnet build ../../src/Port.Sdk.Cli -c Release -v q -nologo >/dev/null
dotnet publish ../../src/Port.Sdk.Cli -c Release -r linux-x64 -p:PublishAot=true -o /tmp/port-jq-aot -v q -nologo >/dev/null
jit="dotnet ../../src/Port.Sdk.Cli/bin/Release/net10.0/port.dll"
aot="/tmp/port-jq-aot/port"
echo "input: $data ($(wc -c < "$data") bytes, $n records); mapping: map.jq; best of 3 runs, wall clock"
echo
echo "| command | seconds | records/s | vs jq 1.6 |"
echo "| --- | ---: | ---: | ---: |"
base=""
for name in "jq 1.6|jq" "gojq|gojq" "port jq (JIT)|$jit jq" "port jq (Native AOT)|$aot jq"; do
  label=${name%%|*}; cmd=${name#*|}
  best=""
  for _ in 1 2 3; do
    start=$(date +%s.%N); $cmd -c -f map.jq "$data" > /tmp/port-jq-bench.out; end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  [ -z "$base" ] && base=$best && cp /tmp/port-jq-bench.out /tmp/port-jq-bench.expected
  # gojq writes object keys sorted, so only port jq's output is compared byte for byte with jq's.
  case "$label" in port*) cmp -s /tmp/port-jq-bench.out /tmp/port-jq-bench.expected || echo "warning: $label output differs from jq's" >&2 ;; esac
  printf "| %s | %.2f | %d | %.1fx |\n" "$label" "$best" "$(echo "$n / $best" | bc)" "$(echo "$base / $best" | bc -l)"
done
