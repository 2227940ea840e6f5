#!/usr/bin/env bash
# Whole-process time and peak memory of the installed `port` tool against jq 1.6 and gojq, in one run, on the same
# inputs: a small object (start-up: the everyday use of jq in scripts) and N GitHub-repository objects through a
# Port-style mapping. The tool is packed (Native AOT for linux-x64, see src/Port.Sdk.Cli/Port.Sdk.Cli.csproj) and
# installed from a local feed, as `dotnet tool install` gives it to users.
# Usage: bash benchmarks/jq/run.sh [records]   (default 200000; needs jq, gojq, GNU time, the .NET SDK)
# PORT_JQ_BENCH_TOOL=/path/to/port skips packing and measures that executable.
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-200000}
runs=${PORT_JQ_BENCH_RUNS:-3}
data=${PORT_JQ_BENCH_DATA:-/tmp/port-jq-bench-$n.jsonl}
[ -s "$data" ] || jq -n -c --argjson n "$n" -f generate.jq > "$data"
port=${PORT_JQ_BENCH_TOOL:-}
if [ -z "$port" ]; then
  feed=/tmp/port-jq-bench-feed; tool=/tmp/port-jq-bench-tool
  rm -rf "$feed" "$tool"
  dotnet pack ../../src/Port.Sdk.Cli -c Release -o "$feed" -v q -nologo >/dev/null
  dotnet pack ../../src/Port.Sdk.Cli -c Release -r any -p:PublishAot=false -p:SelfContained=false -o "$feed" -v q -nologo >/dev/null
  dotnet pack ../../src/Port.Sdk.Cli -c Release -r linux-x64 -o "$feed" -v q -nologo >/dev/null
  dotnet tool install --tool-path "$tool" --add-source "$feed" Port.Sdk.Cli --prerelease >/dev/null
  port="$tool/port"
fi
small=/tmp/port-jq-bench-small.json
printf '{"name":"payments-api","stars":12,"topics":["go","grpc"]}\n' > "$small"

# Best wall time of $runs runs, and the peak resident set of that run (GNU time's %M, in KiB).
measure() {
  local best="" mem=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o /tmp/port-jq-bench.time "$@" > /tmp/port-jq-bench.out
    read -r t m < /tmp/port-jq-bench.time
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; mem=$m; fi
  done
  echo "$best $mem"
}

echo "input: $data ($(wc -c < "$data") bytes, $n records); mapping: map.jq; tool: $port"
echo "best of $runs runs; wall clock (s) and peak RSS (MiB) of that run, from /usr/bin/time -f '%e %M'"
echo
echo "| command | small: s | small: MiB | $n records: s | records/s | MiB | vs jq 1.6 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
base=""
for name in "jq 1.6|jq" "gojq|gojq" "port jq (installed tool)|$port jq"; do
  label=${name%%|*}; cmd=${name#*|}
  read -r st sm < <(measure $cmd -c '{name, popular: (.stars > 5)}' "$small")
  read -r bt bm < <(measure $cmd -c -f map.jq "$data")
  if [ -z "$base" ]; then base=$bt; cp /tmp/port-jq-bench.out /tmp/port-jq-bench.expected; fi
  # gojq writes object keys sorted, so only port jq's output is compared byte for byte with jq's.
  case "$label" in port*) cmp -s /tmp/port-jq-bench.out /tmp/port-jq-bench.expected || echo "warning: $label output differs from jq's" >&2 ;; esac
  printf "| %s | %.3f | %.1f | %.2f | %d | %.1f | %.1fx |\n" "$label" "$st" "$(echo "$sm / 1024" | bc -l)" "$bt" \
    "$(echo "$n / $bt" | bc)" "$(echo "$bm / 1024" | bc -l)" "$(echo "$base / $bt" | bc -l)"
done
