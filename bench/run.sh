#!/usr/bin/env bash
# Measures, in one run on one disk, the machine's own limits, what users do today (sox cutting windows out of
# one-minute WAV segments; a py2store-style Python store of one file per chunk) and wavestash, and rewrites
# bench/RESULTS.md with the medians and the ratios.
#
#   bench/run.sh                 the full run (about 30 minutes, up to 70 GB of free disk under the work dir)
#   bench/run.sh --smoke         a run of every step at toy sizes (a minute or two), results in the work dir
#   options: --work DIR (default: $TMPDIR/wavestash-bench)  --out FILE (default: bench/RESULTS.md)
#            --no-build (use the built jars: cli/target/wavestash.jar and bench/target/classpath.txt, or the
#            class path in $WAVESTASH_BENCH_CP)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smoke=0 build=1 work="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-build) build=0 ;;
    --work) work="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "bench/run.sh: unknown argument '$1' (--smoke, --work DIR, --out FILE, --no-build)" >&2; exit 2 ;;
  esac
  shift
done
work="${work:-${TMPDIR:-/tmp}/wavestash-bench}"
if [ "$smoke" = 1 ]; then
  out="${out:-$work/RESULTS.md}"
  RUNS=2 DD_MB=64 FAST_SENSORS=4 FAST_SECONDS=20 CAP_SENSORS=20 CAP_SECONDS=3 LAT_SENSORS=10 LAT_SECONDS=3 SETTLE=1
  MEM_SENSORS=4 MEM_SECONDS=3 DAY_SECONDS=320 HOUR_SECONDS=320 WINDOWS="10s:10 1min:60 5min:300" MAIN=1min
else
  out="${out:-$repo/bench/RESULTS.md}"
  RUNS=5 DD_MB=2048 FAST_SENSORS=16 FAST_SECONDS=3600 CAP_SENSORS=2000 CAP_SECONDS=300 LAT_SENSORS=1000
  LAT_SECONDS=60 MEM_SENSORS=64 MEM_SECONDS=60 DAY_SECONDS=87000 HOUR_SECONDS=3700 SETTLE=65
  WINDOWS="10min:600 1h:3600 24h:86400" MAIN=1h
fi
# a WAV file (sox's, soundfile's) holds at most 4 GiB: the baselines cut windows up to this long
BASELINE_MAX_SECONDS=20000

# --- what the run needs: Debian packages, installed when missing and we may -------------------------------
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v sox >/dev/null || missing+=(sox)
command -v curl >/dev/null || missing+=(curl)
command -v fincore >/dev/null || missing+=(util-linux-extra)
[ -x /usr/bin/time ] || missing+=(time)
/usr/bin/python3 -c 'import numpy, soundfile' 2>/dev/null || missing+=(python3-numpy python3-soundfile)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bench/run.sh needs the Debian packages: ${missing[*]}" >&2
    exit 1
  fi
fi
py=/usr/bin/python3

if [ "$build" = 1 ]; then
  echo "building ..." >&2
  (cd "$repo" && mvn -q -B -DskipTests -Dspotless.check.skip=true package -pl cli,bench -am) >&2
fi
jar="$repo/cli/target/wavestash.jar"
cp="${WAVESTASH_BENCH_CP:-$repo/bench/target/classes:$(cat "$repo/bench/target/classpath.txt")}"
# the JVM settings the launcher gives Chronicle Queue, and the ingest daemon's own (Java argument files, which the
# JVM reads itself): the daemon is measured as it ships
jvm=("@$repo/cli/jvm/chronicle.options")
daemon=("@$repo/cli/jvm/ingest.options")

mkdir -p "$work"
work="$(cd "$work" && pwd)"
log="$work/run.log"
: > "$log"
say() { echo "$*" >&2; echo "$*" >> "$log"; }

# --- helpers -------------------------------------------------------------------------------------------
declare -A R          # every figure, by name
commands=()           # what was run, for RESULTS.md
now() { date +%s%N; }
seconds_since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.4f", (e - s) / 1e9 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }
# times a command (its output to the log), prints seconds
timed() { local s; s=$(now); "$@" >> "$log" 2>&1; seconds_since "$s"; }
# drops files, and every file under a directory, from the page cache (after writing back whatever is dirty); a
# figure called cold must be, so it stops the run when the kernel kept a noticeable part of them
evict() {
  sync
  "$py" - "$@" <<'PY'
import os, sys
for top in sys.argv[1:]:
    files = [top] if os.path.isfile(top) else [os.path.join(d, f) for d, _, names in os.walk(top) for f in names]
    for f in files:
        fd = os.open(f, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
  local kept total
  kept=$(find "$@" -type f -exec fincore -b -n -o RES {} + | awk '{ s += $1 } END { printf "%.0f", s }')
  total=$(find "$@" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
  if [ "$kept" -gt $(( total / 100 + (1 << 20) )) ]; then
    say "evicting $* left $kept of its $total bytes in the page cache: no cold figure can be taken"
    exit 1
  fi
}
# reads the name=value lines of a bench program into R with a prefix
record() { local prefix="$1" file="$2" k v; while IFS='=' read -r k v; do R["$prefix.$k"]="$v"; done < <(grep -E '^[a-z_0-9]+=' "$file"); }
bench() { java "${jvm[@]}" -cp "$cp" "$@"; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%NZ | sed 's/\([0-9]\{3\}\)[0-9]*Z/\1Z/'; }
free_bytes() { df -B1 --output=avail "$work" | tail -1 | tr -d ' '; }
# dd's own file of $DD_MB MiB, written anew with fsync or read; each prints its rate in MB/s
dd_write() { rm -f "$work/dd.bin"; sync; calc "$DD_MB * 1.048576 / $(timed dd if=/dev/zero of="$work/dd.bin" bs=1M count="$DD_MB" conv=fsync)" 1; }
dd_read() { calc "$DD_MB * 1.048576 / $(timed dd if="$work/dd.bin" of=/dev/null bs=1M)" 1; }

start_epoch=1795168800 # 2026-11-20T10:00:00Z, the start of every stored session
start_iso=$(iso $start_epoch)
minute="$work/minute.wav"
[ -f "$minute" ] || sox -R -n -r 48000 -b 16 -c 1 "$minute" synth 60 pinknoise vol 0.5
commands+=("sox -R -n -r 48000 -b 16 -c 1 minute.wav synth 60 pinknoise vol 0.5   # the audio every store loops")

# --- 1. the machine's limits ------------------------------------------------------------------------------
say "== limits: sequential write with fsync, cold and warm sequential read ($DD_MB MiB)"
w=() c=() h=()
for i in $(seq 3); do
  w+=("$(dd_write)")
  evict "$work/dd.bin"
  c+=("$(dd_read)")
  h+=("$(dd_read)")
done
rm -f "$work/dd.bin"
R[disk.write]=$(median "${w[@]}") R[disk.cold]=$(median "${c[@]}") R[disk.warm]=$(median "${h[@]}")
commands+=("dd if=/dev/zero of=dd.bin bs=1M count=$DD_MB conv=fsync; (evict) dd if=dd.bin of=/dev/null bs=1M; dd again warm  # 3 runs each")
say "   write ${R[disk.write]} MB/s, cold read ${R[disk.cold]} MB/s, warm read ${R[disk.warm]} MB/s"

# --- 2. ingest throughput: fast sources, acknowledged = journaled --------------------------------------------
for layout in chunks segments; do
  say "== ingest: $FAST_SENSORS fast 48 kHz sensors x ${FAST_SECONDS} s of audio, $layout layout"
  j=() s=() cpu=() wa=()
  for i in $(seq 3); do
    # the disk's fsync'd write rate moves by half within minutes (bench/ANALYSIS.md): it is also taken right
    # before each run, and the runs are compared with those figures too
    wa+=("$(dd_write)")
    rm -f "$work/dd.bin"
    rm -rf "$work/ingest"
    bench "${daemon[@]}" io.wavestash.bench.IngestRun --dir "$work/ingest" --wav "$minute" --sensors "$FAST_SENSORS" \
      --seconds "$FAST_SECONDS" --mode fast --layout "$layout" > "$work/ingest.out" 2>> "$log"
    record "fast.$layout.$i" "$work/ingest.out"
    [ "${R[fast.$layout.$i.lost_nothing]}" = true ] || { say "ingest run lost data"; exit 1; }
    j+=("${R[fast.$layout.$i.journaled_mb_per_s]}") s+=("${R[fast.$layout.$i.stored_mb_per_s]}") cpu+=("${R[fast.$layout.$i.cpu_cores]}")
  done
  rm -rf "$work/ingest"
  R[fast.$layout.journaled]=$(median "${j[@]}") R[fast.$layout.stored]=$(median "${s[@]}") R[fast.$layout.cpu]=$(median "${cpu[@]}")
  R[fast.$layout.dd]=$(median "${wa[@]}")
  R[fast.$layout.bytes]=${R[fast.$layout.1.bytes_journaled]}
  say "   acknowledged ${R[fast.$layout.journaled]} MB/s, stored ${R[fast.$layout.stored]} MB/s; dd's fsync'd write before each run ${R[fast.$layout.dd]} MB/s"
done
commands+=("java @cli/jvm/chronicle.options @cli/jvm/ingest.options -cp bench io.wavestash.bench.IngestRun --mode fast --sensors $FAST_SENSORS --seconds $FAST_SECONDS --layout chunks|segments  # 3 runs each, each after dd conv=fsync as above")

# --- 3. real time: capacity and latency ------------------------------------------------------------------------
realtime() { # name sensors seconds [priority of the ring's consumers: normal (the default) or realtime]
  local name="$1" sensors="$2" seconds="$3" priority="${4:-normal}" need free
  # each byte is written once, into the store; the journal holds the chunks it could not place there (a session's
  # first, any while a file is being created) until the commit after them: a tenth more, and room to spare
  need=$(( sensors * 96000 * seconds * 11 / 10 + (6 << 30) ))
  free=$(free_bytes)
  if [ "$free" -lt "$need" ]; then
    seconds=$(( (free - (6 << 30)) * 10 / (11 * sensors * 96000) ))
    say "   only $((free >> 30)) GiB free: $name runs ${seconds} s instead of $3 s"
    R[$name.shortened]="$3"
  fi
  say "== real time: $sensors sensors (48 kHz 16-bit mono, segments layout) for $seconds s, ring.priority $priority"
  rm -rf "$work/rt"
  # the run stops itself when it cannot keep up; should even that not happen, it is killed
  if ! timeout -s KILL $(( seconds * 3 + 300 )) java "${jvm[@]}" "${daemon[@]}" -cp "$cp" io.wavestash.bench.IngestRun --dir "$work/rt" \
    --wav "$minute" --sensors "$sensors" --seconds "$seconds" --mode realtime --layout segments --priority "$priority" \
    > "$work/rt.out" 2>> "$log"; then
    say "   the run did not end by itself and was killed"
    for k in kept_up dropouts cpu_cores rss_max_mb durable_p50_ms durable_p99_ms durable_p999_ms durable_max_ms \
      queryable_p50_ms queryable_p99_ms queryable_max_ms settled_durable_p99_ms settled_queryable_p99_ms realtime_consumers; do
      R[$name.$k]=n/a
    done
    R[$name.kept_up]=false R[$name.sensors]=$sensors
  fi
  record "$name" "$work/rt.out"
  R[$name.run_seconds]=$seconds R[$name.priority]=$priority
  rm -rf "$work/rt"
  say "   kept up: ${R[$name.kept_up]}, dropouts ${R[$name.dropouts]}, CPU ${R[$name.cpu_cores]} cores, RSS ${R[$name.rss_max_mb]} MB," \
    "durable p99 ${R[$name.durable_p99_ms]} ms, queryable p99 ${R[$name.queryable_p99_ms]} ms"
}
# A real-time step begins as a daemon in the field does, not in the wake of the step before: what that step wrote
# is written back first, and the files it deleted are left to age. ext4 without a journal (as this machine's root
# file system is) passes over every inode freed within the last 60 s (360 s while its inode-table block is not yet
# written back) each time it allocates one, reading each from its table: a thousand sensors creating their files
# right after the step before deleted its tens of thousands of files spent 40% of the materializer's time there
# (ANALYSIS.md, "Start-up and the inode allocator").
settle() {
  sync
  sleep "$SETTLE"
}
settle
realtime cap "$CAP_SENSORS" "$CAP_SECONDS"
settle
realtime lat "$LAT_SENSORS" "$LAT_SECONDS"
# the latency step again, three times, with the ring's consumers under real-time scheduling (ring.priority:
# realtime, where the daemon is allowed it; realtime_consumers says whether it was): medians of the three
for i in 1 2 3; do
  settle
  realtime latrt$i "$LAT_SENSORS" "$LAT_SECONDS" realtime
done
for k in durable_p99_ms queryable_p99_ms settled_durable_p99_ms settled_queryable_p99_ms dropouts; do
  R[latrt.$k]=$(median "${R[latrt1.$k]}" "${R[latrt2.$k]}" "${R[latrt3.$k]}")
done
commands+=("java @cli/jvm/chronicle.options @cli/jvm/ingest.options -cp bench io.wavestash.bench.IngestRun --mode realtime --layout segments --sensors $CAP_SENSORS --seconds $CAP_SECONDS, then --sensors $LAT_SENSORS --seconds $LAT_SECONDS, then that 3 times with --priority realtime")

# --- 4. the stores to query -------------------------------------------------------------------------------------
say "== writing the stores: wavestash segments (the default layout, ${DAY_SECONDS} s) and chunks, sox minute files, py2store (${HOUR_SECONDS} s)"
rm -rf "$work/day" "$work/chunks" "$work/sox" "$work/py"
bench io.wavestash.bench.MakeStore --store "$work/day" --layout segments --wav "$minute" --start "$start_iso" --seconds "$DAY_SECONDS" >> "$log" 2>&1
bench io.wavestash.bench.MakeStore --store "$work/chunks" --layout chunks --wav "$minute" --start "$start_iso" --seconds "$HOUR_SECONDS" >> "$log" 2>&1
mkdir -p "$work/sox"
for m in $(seq 0 $(( (HOUR_SECONDS + 59) / 60 - 1 ))); do cp "$minute" "$work/sox/$(printf 'seg-%05d.wav' "$m")"; done
"$py" "$repo/bench/py2store_baseline.py" write "$work/py" "$start_epoch" "$minute" "$HOUR_SECONDS"
sync
commands+=("java -cp bench io.wavestash.bench.MakeStore --layout segments --seconds $DAY_SECONDS (and --layout chunks --seconds $HOUR_SECONDS); the sox and py2store stores hold the same audio")

# --- 5. windows -------------------------------------------------------------------------------------------
offset=10.05 # every window starts 10.05 s into the session: mid-chunk, mid-segment
# the first and last index of the files of file_s seconds each that hold [from_s, from_s + duration_s)
files_spanning() { # from_s duration_s file_s
  awk -v f="$1" -v d="$2" -v n="$3" 'BEGIN { e = f + d
    print int(f / n), (e == int(e) && int(e) % n == 0) ? e / n - 1 : int(e / n) }'
}
sox_window() { # from_s duration_s out
  local first last files=() m
  read -r first last < <(files_spanning "$1" "$2" 60)
  for m in $(seq "$first" "$last"); do files+=("$work/sox/$(printf 'seg-%05d.wav' "$m")"); done
  sox "${files[@]}" "$3" trim "$(calc "$1 - $first * 60" 4)" "$2"
}
cli_query() { "$repo/wavestash" "$@"; } # the launcher, as users run it
# the segment files (ten minutes, 57,600,000 bytes of 48 kHz 16-bit mono each) that hold
# [from_s, from_s + duration_s) of the session
segment_files() {
  local first last s dir
  dir=$(ls -d "$work/day/mic/"*/ | head -1)
  read -r first last < <(files_spanning "$1" "$2" 600)
  for s in $(seq "$first" "$last"); do printf '%s%014d.seg\n' "$dir" $(( s * 57600000 )); done
}
# the window [from, to) of a store in-process: warm ($RUNS runs after one untimed) into R[warm.*]; cold, 3 runs, into
# R[cold.seconds] and R[cold.mb]: each run in a process that has run the window twice (as a server has), the store
# then dropped from the page cache while it waits (WindowRun --handoff); and the same cold in a new process (JVM
# start-up outside the timing, its first run of the code inside) into R[cold-prefix.fresh.*].
# With a fourth argument, each cold run is preceded by dd reading its own file cold, into R[cold-prefix.dd]: the
# disk's cold read rate moves by half between runs of this script (bench/ANALYSIS.md), so the window is also compared
# with the rate measured alternately with it.
in_process() { # store warm-prefix cold-prefix [dd]
  local i pid cold=() fresh=() ddc=() handoff="$work/handoff"
  bench io.wavestash.bench.WindowRun --store "$1" --sensor mic --from "$from" --to "$to" --repeats "$RUNS" --warmup 1 > "$work/w.out" 2>> "$log"
  record "$2" "$work/w.out"
  for i in $(seq 3); do
    rm -f "$handoff"
    bench io.wavestash.bench.WindowRun --store "$1" --sensor mic --from "$from" --to "$to" --repeats 1 --warmup 2 \
      --handoff "$handoff" > "$work/w.out" 2>> "$log" &
    pid=$!
    while [ ! -e "$handoff" ]; do
      kill -0 "$pid" 2> /dev/null || { wait "$pid" || true; say "WindowRun --handoff ended before its warm-up did"; exit 1; }
      sleep 0.05
    done
    if [ -n "${4:-}" ]; then
      evict "$work/dd.bin"
      ddc+=("$(dd_read)")
    fi
    evict "$1"
    rm "$handoff"
    wait "$pid"
    cold+=("$(grep seconds_median "$work/w.out" | cut -d= -f2)")
    evict "$1"
    bench io.wavestash.bench.WindowRun --store "$1" --sensor mic --from "$from" --to "$to" --repeats 1 --warmup 0 > "$work/w.out" 2>> "$log"
    fresh+=("$(grep seconds_median "$work/w.out" | cut -d= -f2)")
  done
  R[$3.seconds]=$(median "${cold[@]}")
  R[$3.mb]=$(calc "${R[$2.bytes]} / ${R[$3.seconds]} / 1e6" 1)
  R[$3.fresh.seconds]=$(median "${fresh[@]}")
  R[$3.fresh.mb]=$(calc "${R[$2.bytes]} / ${R[$3.fresh.seconds]} / 1e6" 1)
  [ -z "${4:-}" ] || R[$3.dd]=$(median "${ddc[@]}")
}
# dd's file again, for the cold reads taken alternately with the windows'
dd_write > /dev/null
for spec in $WINDOWS; do
  name=${spec%%:*} secs=${spec#*:}
  from=$(iso "$(calc "$start_epoch + $offset" 2)") to=$(iso "$(calc "$start_epoch + $offset + $secs" 2)")
  say "== window $name: $from .. $to"
  in_process "$work/day" warm.$name cold.$name dd
  # the same files read cold by cat: the disk's rate for exactly what the window reads
  mapfile -t files < <(segment_files "$offset" "$secs")
  catc=()
  for i in $(seq 3); do
    evict "$work/day"
    catc+=("$(timed sh -c 'cat "$@" > /dev/null' cat "${files[@]}")")
  done
  R[catcold.$name.mb]=$(calc "$(cat "${files[@]}" | wc -c) / $(median "${catc[@]}") / 1e6" 1)
  say "   in-process warm ${R[warm.$name.seconds_median]} s, cold ${R[cold.$name.seconds]} s (${R[cold.$name.mb]} MB/s; in a new process ${R[cold.$name.fresh.mb]} MB/s; dd's cold read alternately ${R[cold.$name.dd]} MB/s; cat of its segment files cold ${R[catcold.$name.mb]} MB/s)"
  if [ "$secs" -le "$HOUR_SECONDS" ]; then
    in_process "$work/chunks" chunks.$name chunkscold.$name
    cli=() sx=() pyp=() pys=()
    cli_query query --store "$work/day" --sensor mic --from "$from" --to "$to" --out "$work/cli.wav" >> "$log" 2>&1
    sox_window "$offset" "$secs" "$work/sox.wav"
    "$py" "$repo/bench/py2store_baseline.py" query "$work/py" "$start_epoch" "$offset" "$(calc "$offset + $secs" 2)" "$work/py.wav" >> "$log"
    for i in $(seq "$RUNS"); do
      cli+=("$(timed cli_query query --store "$work/day" --sensor mic --from "$from" --to "$to" --out "$work/cli.wav")")
      sx+=("$(timed sox_window "$offset" "$secs" "$work/sox.wav")")
      s=$(now)
      pys+=("$("$py" "$repo/bench/py2store_baseline.py" query "$work/py" "$start_epoch" "$offset" "$(calc "$offset + $secs" 2)" "$work/py.wav")")
      pyp+=("$(seconds_since "$s")")
    done
    R[cli.$name]=$(median "${cli[@]}") R[sox.$name]=$(median "${sx[@]}") R[pyproc.$name]=$(median "${pyp[@]}") R[py.$name]=$(median "${pys[@]}")
    "$py" "$repo/bench/py2store_baseline.py" same "$work/cli.wav" "$work/sox.wav" >> "$log"
    "$py" "$repo/bench/py2store_baseline.py" same "$work/cli.wav" "$work/py.wav" >> "$log"
    sxc=()
    for i in $(seq 3); do
      evict "$work/sox"
      sxc+=("$(timed sox_window "$offset" "$secs" "$work/sox.wav")")
    done
    R[soxcold.$name]=$(median "${sxc[@]}")
    rm -f "$work/cli.wav" "$work/sox.wav" "$work/py.wav"
    say "   chunks layout ${R[chunks.$name.seconds_median]} s (cold ${R[chunkscold.$name.mb]} MB/s); CLI ${R[cli.$name]} s; sox ${R[sox.$name]} s (cold ${R[soxcold.$name]} s);" \
      "python ${R[py.$name]} s (${R[pyproc.$name]} s with start); the three files hold the same samples"
  fi
done
rm -f "$work/dd.bin"
commands+=("java -cp bench io.wavestash.bench.WindowRun --store day --sensor mic --from F --to T --repeats $RUNS (warm; cold: --warmup 2 --repeats 1 --handoff FILE, the store and dd's file evicted and dd's read while it waits, 3 times; and --warmup 0 --repeats 1 after evicting, 3 times)")
commands+=("cat SEGMENT-FILES > /dev/null   # the window's own segment files, evicted, 3 runs")
commands+=("./wavestash query --store day --sensor mic --from F --to T --out cli.wav   # $RUNS runs")
commands+=("sox seg-A.wav ... seg-B.wav sox.wav trim OFFSET SECONDS   # the minute files the window touches, $RUNS runs")
commands+=("python3 bench/py2store_baseline.py query py SESSION FROM_S TO_S py.wav   # $RUNS runs")

# --- 6. HTTP and memory -------------------------------------------------------------------------------------
last=${WINDOWS##* } lastname=${last%%:*} lastsecs=${last#*:}
main_secs=""
for spec in $WINDOWS; do [ "${spec%%:*}" = "$MAIN" ] && main_secs=${spec#*:}; done
port=$(( 20000 + RANDOM % 20000 ))
say "== HTTP: GET /api/waveform of the $MAIN and $lastname windows"
java "${jvm[@]}" -Xmx64m -jar "$jar" serve --store "$work/day" --port "$port" >> "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/sensors" && break; sleep 0.2; done
url() { echo "http://127.0.0.1:$port/api/waveform?sensor=mic&from=$(iso "$(calc "$start_epoch + $offset" 2)")&to=$(iso "$(calc "$start_epoch + $offset + $1" 2)")"; }
curl -sf -o /dev/null "$(url "$main_secs")"
ht=()
for i in $(seq "$RUNS"); do ht+=("$(curl -sf -o /dev/null -w '%{time_total}' "$(url "$main_secs")")"); done
R[http.$MAIN]=$(median "${ht[@]}")
read -r t b < <(curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' "$(url "$lastsecs")")
R[http.$lastname]=$t R[http.$lastname.bytes]=$b
R[http.rss]=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$server/status")
kill "$server"; wait "$server" 2>/dev/null || true; trap - EXIT
say "   $MAIN ${R[http.$MAIN]} s; $lastname ${R[http.$lastname]} s; server peak RSS ${R[http.rss]} MB (heap 64 MB)"
commands+=("java -Xmx64m -jar wavestash.jar serve --store day; curl -o /dev/null 'http://127.0.0.1:PORT/api/waveform?sensor=mic&from=F&to=T'")

say "== memory: the $lastname window exported with -Xmx64m; a daemon recording $MEM_SENSORS sensors"
from=$(iso "$(calc "$start_epoch + $offset" 2)") to=$(iso "$(calc "$start_epoch + $offset + $lastsecs" 2)")
/usr/bin/time -f '%M %e' -o "$work/time.out" java "${jvm[@]}" -Xmx64m -jar "$jar" export --store "$work/day" --sensor mic \
  --from "$from" --to "$to" --out "$work/big.wav" >> "$log" 2>&1 && R[export.ok]=yes || R[export.ok]=no
read -r rss secs < "$work/time.out"
R[export.rss]=$((rss / 1024)) R[export.seconds]=$secs R[export.bytes]=$(stat -c %s "$work/big.wav" 2>/dev/null || echo 0)
rm -f "$work/big.wav"
{
  printf 'store:\n  path: %s\n  layout: segments\nsensors:\n' "$work/mem-store"
  for i in $(seq "$MEM_SENSORS"); do
    printf '  - {id: m%03d, source: wav, file: %s, loop: true, realTime: true, backpressure: drop}\n' "$i" "$minute"
  done
} > "$work/mem.yaml"
rm -rf "$work/mem-store"
"$repo/wavestash" ingest --config "$work/mem.yaml" >> "$log" 2>&1 & # as users run it: the launcher's JVM settings
daemon=$!
peak=0 t0=$(now)
ticks0=$(awk '{ print $14 + $15 }' "/proc/$daemon/stat")
while [ "$(seconds_since "$t0" | cut -d. -f1)" -lt "$MEM_SECONDS" ]; do
  r=$(awk '/VmRSS/ { print $2 }' "/proc/$daemon/status"); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.5
done
ticks=$(( $(awk '{ print $14 + $15 }' "/proc/$daemon/stat") - ticks0 ))
R[mem.cpu]=$(calc "$ticks / $(getconf CLK_TCK) / $(seconds_since "$t0")" 3)
kill -TERM "$daemon"; wait "$daemon" && R[mem.exit]=0 || R[mem.exit]=$?
R[mem.rss]=$((peak / 1024))
rm -rf "$work/mem-store"
say "   export: ${R[export.ok]} (${R[export.bytes]} bytes, peak RSS ${R[export.rss]} MB); daemon peak RSS ${R[mem.rss]} MB, CPU ${R[mem.cpu]} cores, exit ${R[mem.exit]}"
commands+=("java -Xmx64m -jar wavestash.jar export --store day --sensor mic --from F --to T --out big.wav   # under /usr/bin/time")
commands+=("./wavestash ingest --config mem.yaml   # $MEM_SENSORS real-time wav sensors, RSS sampled every 0.5 s for $MEM_SECONDS s")

# --- RESULTS.md ----------------------------------------------------------------------------------------------
ok() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "**missed**"; fi; }
W=${R[disk.write]} C=${R[disk.cold]}
fj=${R[fast.segments.journaled]} fjc=${R[fast.chunks.journaled]}
m=$MAIN
mw=${R[warm.$m.seconds_median]}
{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run.sh$([ "$smoke" = 1 ] && echo ' --smoke')\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM,"
  echo "$(uname -sr), $(java -version 2>&1 | head -1), work directory on $(df --output=source,fstype "$work" | tail -1 | tr -s ' ')."
  echo "Medians of several runs (the count is given per figure); the machine may be shared, so compare the ratios,"
  echo "which come from this one run on this one disk."
  echo
  echo "## Targets"
  echo
  echo "| target | measured | verdict |"
  echo "|---|---|---|"
  echo "| ingest, $FAST_SENSORS fast sensors, acknowledged ≥ 0.5x fsync'd write | segments $(calc "$fj / $W" 2)x, chunks $(calc "$fjc / $W" 2)x ($fj and $fjc MB/s against $W MB/s); against dd's fsync'd write taken before each run, segments $(calc "$fj / ${R[fast.segments.dd]}" 2)x (${R[fast.segments.dd]} MB/s), chunks $(calc "$fjc / ${R[fast.chunks.dd]}" 2)x (${R[fast.chunks.dd]} MB/s) | $(ok "$fj / $W >= 0.5 && $fjc / $W >= 0.5") |"
  echo "| $CAP_SENSORS real-time sensors, ${R[cap.run_seconds]} s, zero dropouts | ${R[cap.dropouts]} dropouts, CPU ${R[cap.cpu_cores]} cores, RSS ${R[cap.rss_max_mb]} MB | $(ok "\"${R[cap.kept_up]}\" == \"true\" && ${R[cap.dropouts]} == 0 && ${R[cap.run_seconds]} >= 300 && $CAP_SENSORS >= 2000") |"
  rt="with \`ring.priority: realtime\` (${R[latrt1.realtime_consumers]}, ${R[latrt2.realtime_consumers]}, ${R[latrt3.realtime_consumers]} consumers got it), median of 3"
  echo "| $LAT_SENSORS sensors: capture-to-durable p99 ≤ 1 ms | $rt: ${R[latrt.durable_p99_ms]} ms (${R[latrt1.durable_p99_ms]}, ${R[latrt2.durable_p99_ms]}, ${R[latrt3.durable_p99_ms]}); at normal priority ${R[lat.durable_p99_ms]} ms | $(ok "${R[latrt.durable_p99_ms]} <= 1") |"
  echo "| $LAT_SENSORS sensors: capture-to-queryable p99 ≤ 1 s | $rt: ${R[latrt.queryable_p99_ms]} ms (${R[latrt1.queryable_p99_ms]}, ${R[latrt2.queryable_p99_ms]}, ${R[latrt3.queryable_p99_ms]}); at normal priority ${R[lat.queryable_p99_ms]} ms | $(ok "${R[latrt.queryable_p99_ms]} <= 1000") |"
  echo "| $m window in-process warm ≤ 0.15 s | ${mw} s (segments, the default), ${R[chunks.$m.seconds_median]} s (chunks) | $(ok "$mw <= 0.15") |"
  echo "| … and ≥ 3x faster than sox and Python | sox $(calc "${R[sox.$m]} / $mw" 1)x, Python $(calc "${R[py.$m]} / $mw" 1)x | $(ok "${R[sox.$m]} / $mw >= 3 && ${R[py.$m]} / $mw >= 3") |"
  echo "| $m window cold ≥ 0.7x cold sequential read | ${R[cold.$m.mb]} MB/s = $(calc "${R[cold.$m.mb]} / ${R[cold.$m.dd]}" 2)x of dd's cold read taken alternately with it (${R[cold.$m.dd]} MB/s); $(calc "${R[cold.$m.mb]} / $C" 2)x of the limits' $C MB/s; $(calc "${R[cold.$m.mb]} / ${R[catcold.$m.mb]}" 2)x of cat reading the window's segment files cold (${R[catcold.$m.mb]} MB/s); in a new process ${R[cold.$m.fresh.mb]} MB/s = $(calc "${R[cold.$m.fresh.mb]} / ${R[cold.$m.dd]}" 2)x of dd's | $(ok "${R[cold.$m.mb]} / ${R[cold.$m.dd]} >= 0.7") |"
  echo "| $m window via the CLI (JVM start included) no slower than sox | ${R[cli.$m]} s against ${R[sox.$m]} s | $(ok "${R[cli.$m]} <= ${R[sox.$m]}") |"
  echo "| daemon with $MEM_SENSORS sensors < 150 MB RSS | ${R[mem.rss]} MB | $(ok "${R[mem.rss]} < 150") |"
  echo "| the $lastname window exports with -Xmx64m | ${R[export.ok]}, ${R[export.bytes]} bytes, peak RSS ${R[export.rss]} MB | $(ok "\"${R[export.ok]}\" == \"yes\"") |"
  echo
  echo "## The machine's limits (3 runs each)"
  echo
  echo "| measure | MB/s |"
  echo "|---|---|"
  echo "| sequential write, \`dd bs=1M count=$DD_MB conv=fsync\` | $W |"
  echo "| cold sequential read (file evicted from the page cache) | $C |"
  echo "| warm sequential read | ${R[disk.warm]} |"
  echo
  echo "## Ingest"
  echo
  echo "$FAST_SENSORS sensors looping a 48 kHz 16-bit mono WAV file as fast as the ring takes it, ${FAST_SECONDS} s of audio each"
  echo "($(calc "${R[fast.segments.bytes]} / 1e6" 0) MB); acknowledged = appended to the journal; stored = in the store, index written and"
  echo "fsync'd, measured from start to the daemon's close (3 runs each, medians)."
  echo
  echo "| layout | acknowledged MB/s | x disk write | stored MB/s | x disk write | CPU cores | dd's write before each run MB/s | acknowledged x that |"
  echo "|---|---|---|---|---|---|---|---|"
  for l in chunks segments; do
    echo "| $l | ${R[fast.$l.journaled]} | $(calc "${R[fast.$l.journaled]} / $W" 2) | ${R[fast.$l.stored]} | $(calc "${R[fast.$l.stored]} / $W" 2) | ${R[fast.$l.cpu]} | ${R[fast.$l.dd]} | $(calc "${R[fast.$l.journaled]} / ${R[fast.$l.dd]}" 2) |"
  done
  echo
  echo "Real time: sensors looping the WAV file paced as microphones, backpressure \`drop\` (a chunk the ring cannot"
  echo "take is a dropout), segments layout; capture = the source handing the chunk to the ring; durable = its journal"
  echo "append returned; queryable = a reader of the store, in a process of its own, sees it (it polls the index every"
  echo "10 ms, or four times as long as a refresh took; the CPU and RSS figures are the daemon's). A run that cannot keep up is stopped 30 s after its sources should have ended. Settled ="
  echo "the chunks captured from 15 s after the start on (the targets are for all of them)."
  echo
  echo "| sensors | ring.priority | seconds | kept up | dropouts | CPU cores | RSS max MB | durable p50 / p99 / p99.9 / max ms | queryable p50 / p99 / max ms | settled: durable p99 / queryable p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for n in cap lat latrt1 latrt2 latrt3; do
    echo "| ${R[$n.sensors]} | ${R[$n.priority]}$([ "${R[$n.realtime_consumers]:-0}" = 0 ] || echo " (${R[$n.realtime_consumers]} consumers)") | ${R[$n.run_seconds]}$([ -n "${R[$n.shortened]:-}" ] && echo " (of ${R[$n.shortened]}: disk)") | ${R[$n.kept_up]} | ${R[$n.dropouts]} | ${R[$n.cpu_cores]} | ${R[$n.rss_max_mb]} | ${R[$n.durable_p50_ms]} / ${R[$n.durable_p99_ms]} / ${R[$n.durable_p999_ms]} / ${R[$n.durable_max_ms]} | ${R[$n.queryable_p50_ms]} / ${R[$n.queryable_p99_ms]} / ${R[$n.queryable_max_ms]} | ${R[$n.settled_durable_p99_ms]} / ${R[$n.settled_queryable_p99_ms]} |"
  done
  echo
  echo "## Windows"
  echo
  echo "One 48 kHz 16-bit mono sensor recorded in 100 ms chunks (the daemon's default) into segment files (the default"
  echo "layout), ${DAY_SECONDS} s, and the first ${HOUR_SECONDS} s of it again as one file per chunk; every window starts ${offset} s"
  echo "into the session. In-process = query plan, reads and WAV encoding into a discarding channel ($RUNS warm runs after"
  echo "one untimed; cold: 3 runs, each in a process that has run the window twice, as a server has, then waits while"
  echo "the store is evicted and dd reads its ${DD_MB} MiB file evicted, since the disk's cold rate moves between and"
  echo "within runs; new process: the same cold run as a new JVM's first, start-up outside the timing). cat = the"
  echo "window's segment files read cold by \`cat\`."
  echo "CLI = \`./wavestash query\` writing the WAV file, JVM start included. sox and Python read the same audio from"
  echo "one-minute WAV files and from one file per 100 ms chunk, and the files they write hold the same samples as"
  echo "wavestash's (checked)."
  echo
  echo "| window | in-process warm s | cold s (MB/s, x dd's cold read alternately: MB/s) | cold, new process s (MB/s) | cat cold MB/s | chunks layout warm s (cold MB/s) | CLI s | sox s (cold) | Python s (with start) | x sox | x Python |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for spec in $WINDOWS; do
    n=${spec%%:*} s=${spec#*:}
    if [ "$s" -le "$HOUR_SECONDS" ]; then
      echo "| $n | ${R[warm.$n.seconds_median]} | ${R[cold.$n.seconds]} (${R[cold.$n.mb]}, $(calc "${R[cold.$n.mb]} / ${R[cold.$n.dd]}" 2)x of ${R[cold.$n.dd]}) | ${R[cold.$n.fresh.seconds]} (${R[cold.$n.fresh.mb]}) | ${R[catcold.$n.mb]} | ${R[chunks.$n.seconds_median]} (${R[chunkscold.$n.mb]}) | ${R[cli.$n]} | ${R[sox.$n]} (${R[soxcold.$n]}) | ${R[py.$n]} (${R[pyproc.$n]}) | $(calc "${R[sox.$n]} / ${R[warm.$n.seconds_median]}" 1) | $(calc "${R[py.$n]} / ${R[warm.$n.seconds_median]}" 1) |"
    else
      echo "| $n | ${R[warm.$n.seconds_median]} | ${R[cold.$n.seconds]} (${R[cold.$n.mb]}, $(calc "${R[cold.$n.mb]} / ${R[cold.$n.dd]}" 2)x of ${R[cold.$n.dd]}) | ${R[cold.$n.fresh.seconds]} (${R[cold.$n.fresh.mb]}) | ${R[catcold.$n.mb]} | n/a | n/a | n/a: a WAV file holds 4 GiB | n/a | n/a | n/a |"
    fi
  done
  echo
  echo "HTTP (\`serve\` with -Xmx64m, curl to /dev/null): the $MAIN window in ${R[http.$MAIN]} s (median of $RUNS), the $lastname window"
  echo "(${R[http.$lastname.bytes]} bytes) in ${R[http.$lastname]} s; the server's peak RSS ${R[http.rss]} MB."
  echo
  echo "## Memory"
  echo
  echo "- \`export\` of the $lastname window with \`-Xmx64m\`: ${R[export.ok]}, ${R[export.bytes]} bytes in ${R[export.seconds]} s, peak RSS ${R[export.rss]} MB."
  echo "- \`ingest\` daemon (run by the \`wavestash\` launcher, with its JVM settings) recording $MEM_SENSORS real-time sensors for $MEM_SECONDS s: peak RSS ${R[mem.rss]} MB, CPU ${R[mem.cpu]} cores, exit status ${R[mem.exit]} after SIGTERM."
  echo
  echo "## Commands"
  echo
  for c in "${commands[@]}"; do echo "- \`$c\`"; done
  echo
  echo "Where a target is missed, [ANALYSIS.md](ANALYSIS.md) says by how much and what bounds it."
} > "$out"
say "wrote $out"
