#!/usr/bin/env bash
# GET /api/waveform for a 24-hour window of a 48 kHz 16-bit mono sensor (8.3 GB): time to the first byte and
# the server's resident memory while it streams, against a 1-second window of the same store as the baseline.
# Usage: bench/http-first-byte.sh [WORK_DIR] [RUNS]   (the store is built once, about 8 GB, and kept in WORK_DIR)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/wavestash-bench-http}"
runs="${2:-5}"
port="${PORT:-18791}"
mkdir -p "$work"
cd "$work"

if [ ! -f day.ready ]; then
  echo "building a 24-hour 48 kHz store in $work (a few minutes) ..."
  rm -rf store journal
  cat > day.yaml <<'YAML'
store: {path: store, layout: segments}
journal: {path: journal}
sensors:
  - {id: day, source: tone, sampleRateHz: 48000, realTime: false, seconds: 86400, chunkMs: 1000}
YAML
  "$repo/wavestash" ingest --config day.yaml
  rm -rf journal
  touch day.ready
fi

WAVESTASH_JAVA_OPTS="-Xmx64m" "$repo/wavestash" serve --store store --port "$port" > serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/sensors" && break; sleep 0.2; done
pid=$(pgrep -P "$server" java || echo "$server")
sensors=$(curl -sf "http://127.0.0.1:$port/api/sensors")
from=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["sensors"][0]["from"])' <<< "$sensors")
to=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["sensors"][0]["to"])' <<< "$sensors")
second=$(python3 -c 'import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")); print((t+datetime.timedelta(hours=12)).isoformat().replace("+00:00","Z"), (t+datetime.timedelta(hours=12, seconds=1)).isoformat().replace("+00:00","Z"))' "$from")
read -r s_from s_to <<< "$second"
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
idle=$(rss)
day=() base=() total=() peak=()
for i in $(seq "$runs"); do
  curl -s -o /dev/null -w '%{time_starttransfer} %{time_total} %{size_download}\n' \
    "http://127.0.0.1:$port/api/waveform?sensor=day&from=$from&to=$to" > run.txt &
  c=$!
  max=0
  while kill -0 "$c" 2>/dev/null; do r=$(rss); [ "$r" -gt "$max" ] && max=$r; sleep 0.1; done
  wait "$c"
  read -r ttfb secs size < run.txt
  [ "$size" -gt 8000000000 ] || { echo "short answer: $size bytes"; exit 1; }
  b=$(curl -s -o /dev/null -w '%{time_starttransfer}' "http://127.0.0.1:$port/api/waveform?sensor=day&from=$s_from&to=$s_to")
  echo "run $i: 24 h first byte ${ttfb}s, all ${size} bytes in ${secs}s, peak RSS ${max} kB; 1 s window first byte ${b}s"
  day+=("$ttfb") total+=("$secs") base+=("$b") peak+=("$max")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
md=$(median "${day[@]}") mb=$(median "${base[@]}") mt=$(median "${total[@]}") mp=$(median "${peak[@]}")
echo
echo "median of $runs: 24-hour window first byte $(awk -v x="$md" 'BEGIN{printf "%.1f ms", x*1000}')" \
  "(1-second window: $(awk -v x="$mb" 'BEGIN{printf "%.1f ms", x*1000}'), ratio $(awk -v a="$md" -v b="$mb" 'BEGIN{printf "%.2f", a/b}'))"
echo "8.29 GB streamed in ${mt} s ($(awk -v t="$mt" 'BEGIN{printf "%.2f GB/s", 8.2944/t}'))," \
  "server RSS idle ${idle} kB, peak while streaming ${mp} kB (heap capped at 64 MB)"
