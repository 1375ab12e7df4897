#!/usr/bin/env bash
# What a 1-hour window of one 48 kHz 16-bit mono sensor costs, for each layout: in-process (median of 7)
# and through the CLI, JVM start included (median of 5). Needs sox. Usage: bench/window-cost.sh [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
"$here/wavestash" --version >/dev/null
jar="$here/cli/target/wavestash.jar"
if [ ! -f "$work/hour.wav" ]; then
  sox -R -n -r 48000 -b 16 -c 1 "$work/hour.wav" synth 3630 pinknoise vol 0.5
fi
start=2026-11-20T10:00:00Z
from=2026-11-20T10:00:10Z
to=2026-11-20T11:00:10Z
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for layout in chunks segments; do
  store="$work/store-$layout"
  if [ ! -d "$store" ]; then
    printf 'store:\n  path: %s\n  layout: %s\n' "$store" "$layout" > "$work/$layout.yaml"
    java -jar "$jar" import "$work/hour.wav" --sensor mic --start "$start" --config "$work/$layout.yaml" >/dev/null
  fi
  echo "== $layout"
  java -cp "$jar" "$here/bench/WindowCost.java" "$store" mic "$from" "$to" 7
  for i in 1 2 3 4 5; do
    s=$(date +%s.%N)
    java -jar "$jar" query --store "$store" --sensor mic --from "$from" --to "$to" --out "$work/out.wav" 2>/dev/null
    e=$(date +%s.%N)
    echo "$e - $s" | bc
  done | median | xargs printf 'cli: median %.3f s (JVM start included)\n'
done
for i in 1 2 3 4 5; do
  s=$(date +%s.%N)
  sox "$work/hour.wav" "$work/sox.wav" trim 10 3600
  e=$(date +%s.%N)
  echo "$e - $s" | bc
done | median | xargs printf 'sox trim of the same hour from one WAV file: median %.3f s\n'
