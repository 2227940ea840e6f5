#!/usr/bin/env bash
# Whole-process time, CPU and peak memory of the installed `port` tool against jq 1.6 and gojq, in one run, on the
# same inputs: a small object (start-up: the everyday use of jq in scripts) and N GitHub-repository objects through a
# Port-style mapping, plus `empty` (parse only) and `.` (parse and write everything) for where the time goes. The
# tool is packed (Native AOT for linux-x64, see src/Port.Sdk.Cli/Port.Sdk.Cli.csproj) and installed from a local
# feed, as `dotnet tool install` gives it to users; port jq's output is checked byte for byte against jq's.
#
# Usage: bash benchmarks/jq/run.sh [records]   (default 200000; needs jq, GNU time, bc, the .NET SDK; installs gojq)
#   PORT_JQ_BENCH_FEED=dir   reuse the packages already packed into dir (by an earlier run: /tmp/port-jq-bench-feed),
#                            install the tool from there and measure it: no compile, a few minutes on a quiet machine.
#   PORT_JQ_BENCH_TOOL=path  measure that executable (e.g. a `dotnet publish -r linux-x64` output), no install.
#   PORT_JQ_BENCH_RUNS=n     best of n runs (default 3).
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-200000}
runs=${PORT_JQ_BENCH_RUNS:-3}
data=${PORT_JQ_BENCH_DATA:-/tmp/port-jq-bench-$n.jsonl}
if ! command -v gojq >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q gojq >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q gojq >/dev/null; }
fi
[ -s "$data" ] || jq -n -c --argjson n "$n" -f generate.jq > "$data"
port=${PORT_JQ_BENCH_TOOL:-}
if [ -z "$port" ]; then
  feed=${PORT_JQ_BENCH_FEED:-}
  tool=/tmp/port-jq-bench-tool
  if [ -z "$feed" ]; then
    feed=/tmp/port-jq-bench-feed
    rm -rf "$feed"
    dotnet pack ../../src/Port.Sdk.Cli -c Release -o "$feed" -v q -nologo >/dev/null
    dotnet pack ../../src/Port.Sdk.Cli -c Release -r any -p:PublishAot=false -p:SelfContained=false -o "$feed" -v q -nologo >/dev/null
    dotnet pack ../../src/Port.Sdk.Cli -c Release -r linux-x64 -o "$feed" -v q -nologo >/dev/null
  fi
  rm -rf "$tool"
  dotnet tool install --tool-path "$tool" --add-source "$feed" Port.Sdk.Cli --prerelease >/dev/null
  ls -d "$tool"/.store/port.sdk.cli/*/port.sdk.cli.linux-x64 >/dev/null 2>&1 || { echo "error: the installed tool is not the linux-x64 package" >&2; exit 1; }
  port="$tool/port"
  echo "packages in $feed:"; for p in "$feed"/Port.Sdk.Cli*.nupkg; do echo "  $(basename "$p"): $(( $(stat -c %s "$p") / 1024 )) KiB"; done
fi
small=/tmp/port-jq-bench-small.json
printf '{"name":"payments-api","stars":12,"topics":["go","grpc"]}\n' > "$small"

# Best wall time of $runs runs, with the CPU time (user + sys) and peak resident set (KiB) of that run.
measure() {
  local best="" cpu="" mem=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o /tmp/port-jq-bench.time "$@" > /tmp/port-jq-bench.out
    read -r t u s m < /tmp/port-jq-bench.time
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; cpu=$(echo "$u + $s" | bc -l); mem=$m; fi
  done
  echo "$best $cpu $mem"
}

echo "uptime before: $(uptime)"
echo "input: $data ($(wc -c < "$data") bytes, $n records); mapping: map.jq; tool: $port"
echo "best of $runs runs; wall clock (s), CPU (user + sys, s) and peak RSS (MiB) of that run, from /usr/bin/time"
echo
echo "| command | small: s | small: MiB | $n records: s | CPU s | records/s | MiB | vs jq 1.6 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
base=""
for name in "jq 1.6|jq" "gojq|gojq" "port jq (installed tool)|$port jq"; do
  label=${name%%|*}; cmd=${name#*|}
  read -r st _ sm < <(measure $cmd -c '{name, popular: (.stars > 5)}' "$small")
  read -r bt bc bm < <(measure $cmd -c -f map.jq "$data")
  if [ -z "$base" ]; then base=$bt; cp /tmp/port-jq-bench.out /tmp/port-jq-bench.expected; fi
  # gojq writes object keys sorted, so only port jq's output is compared byte for byte with jq's.
  case "$label" in port*) cmp -s /tmp/port-jq-bench.out /tmp/port-jq-bench.expected || echo "warning: $label output differs from jq's" >&2 ;; esac
  printf "| %s | %.3f | %.1f | %.2f | %.2f | %d | %.1f | %.1fx |\n" "$label" "$st" "$(echo "$sm / 1024" | bc -l)" "$bt" "$bc" \
    "$(echo "$n / $bt" | bc)" "$(echo "$bm / 1024" | bc -l)" "$(echo "$base / $bt" | bc -l)"
done

echo
echo "Where the time goes (same file; best of $runs):"
echo
echo "| command | wall s | CPU s | peak MiB |"
echo "| --- | ---: | ---: | ---: |"
for name in "jq 1.6, empty|jq" "port jq, empty|$port jq" "jq 1.6, -c .|jq" "port jq, -c .|$port jq"; do
  label=${name%%|*}; cmd=${name#*|}
  case "$label" in *empty) prog=(empty) ;; *) prog=(-c .) ;; esac
  read -r t c m < <(measure $cmd "${prog[@]}" "$data")
  case "$label" in jq*) cp /tmp/port-jq-bench.out /tmp/port-jq-bench.expected ;; *) cmp -s /tmp/port-jq-bench.out /tmp/port-jq-bench.expected || echo "warning: $label output differs from jq's" >&2 ;; esac
  printf "| %s | %.2f | %.2f | %.1f |\n" "$label" "$t" "$c" "$(echo "$m / 1024" | bc -l)"
done

# Output flags, byte for byte against jq 1.6, on the first 2,000 records.
sample=/tmp/port-jq-bench-sample.jsonl
head -n 2000 "$data" > "$sample"
checked=0
for flags in "" "-c" "-S" "-c -S" "--tab" "--indent 5" "-a" "-c -a" "-r" "-j"; do
  for prog in . '.description, .topics, .owner.login, .license' '{name, t: .topics[0]?}'; do
    # shellcheck disable=SC2086
    if ! cmp -s <(jq $flags "$prog" "$sample") <($port jq $flags "$prog" "$sample"); then
      echo "warning: port jq $flags '$prog' differs from jq's output" >&2
    fi
    checked=$((checked + 1))
  done
done
echo
echo "output check: $checked flag and program combinations compared byte for byte with jq 1.6 on 2,000 records"
echo "uptime after: $(uptime)"
