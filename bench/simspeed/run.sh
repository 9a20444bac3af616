#!/usr/bin/env bash
# Simulator throughput side by side: naive Go, laa's block kernel before and
# after commit 849f365, laa's simulator with its scalar and its AVX2 stage,
# Generate, both on 2 cores and on 1, and the C twin
# (c/rk4.c) at -O3, -O3 -march=native and -O3 -march=native -ffast-math, in
# one run; prints a markdown table. See README.md.
#
#   bash bench/simspeed/run.sh                 # N = 100,000, about 1-2 minutes on 2 idle cores
#   N=20000 REPS=1 bash bench/simspeed/run.sh   # quick
#   bash bench/simspeed/run.sh -ratios wall     # extra flags go to the Go tool
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-100000}
REPS=${REPS:-3}
WORKERS=${WORKERS:-2}
CC=${CC:-gcc}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

src=bench/simspeed/c/rk4.c
"$CC" -O3 -fopenmp -o "$OUT/rk4-O3" "$src" -lm
native=() fast=()
if "$CC" -O3 -march=native -fopenmp -o "$OUT/rk4-native" "$src" -lm 2>/dev/null; then
	native=(-c-native "$OUT/rk4-native")
fi
if "$CC" -O3 -march=native -ffast-math -fopenmp -o "$OUT/rk4-fast" "$src" -lm 2>/dev/null; then
	fast=(-c-fast "$OUT/rk4-fast")
fi
go build -o "$OUT/simspeed" ./bench/simspeed
go build -tags purego -o "$OUT/simspeed-scalar" ./bench/simspeed # row (b1): neuron's scalar stage

echo "$("$CC" --version | head -1); $(go version)" >&2
GOMAXPROCS=$WORKERS "$OUT/simspeed" -n "$N" -reps "$REPS" -workers "$WORKERS" -dir "$OUT" \
	-scalar "$OUT/simspeed-scalar" -c-o3 "$OUT/rk4-O3" "${native[@]}" "${fast[@]}" "$@"
