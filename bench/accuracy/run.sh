#!/usr/bin/env bash
# Accuracy per minute of training: every summary network x flow x epochs in
# VARIANTS trained on the same 100,000 pairs (seed 1), then, on held-out
# simulations (seed 2): calibration on 1,000 (laa diagnose, 200 draws each,
# TARP included) and the comparison with the exact posterior on the first
# N_OBS (laa compare: sbibm's C2ST, the reference's noise floor, the exact
# correction). References are sampled once into $OUT/references and reused by
# every variant (the noise floor on the first 5). Ends with a markdown table
# (table.py), the one in BENCHMARKS.md.
#
#   bash bench/accuracy/run.sh                                   # hours on 2 cores
#   VARIANTS="mlp:affine:40 hybrid:affine:30" N_OBS=20 bash bench/accuracy/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

VARIANTS=${VARIANTS:-"mlp:affine:40 mlp:affine:120 mlp:spline:40 cnn:affine:30 hybrid:affine:20 hybrid:affine:30 hybrid:spline:30 lstm:affine:2"}
N_OBS=${N_OBS:-20}
N_TRAIN=${N_TRAIN:-100000}
OUT=${OUT:-bench-accuracy}
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
go build -o "$OUT/laa" ./cmd/laa
LAA="$OUT/laa"

[ -f "$OUT/train.npz" ] || "$LAA" simulate -q -n "$N_TRAIN" --seed 1 -o "$OUT/train.npz"
[ -f "$OUT/test.npz" ] || "$LAA" simulate -q -n 2000 --seed 2 -o "$OUT/test.npz"

for v in $VARIANTS; do
	IFS=: read -r summary flow epochs <<<"$v"
	name="$summary-$flow-$epochs"
	dir="$OUT/$name"
	mkdir -p "$dir"
	if [ ! -f "$dir/model.history.json" ]; then
		echo "== $name: training" >&2
		"$LAA" train -q --data "$OUT/train.npz" --summary "$summary" --flow "$flow" --epochs "$epochs" -o "$dir/model.laa" | tee "$dir/train.txt"
	fi
	if [ ! -f "$dir/report/metrics.json" ]; then
		echo "== $name: calibration on 1,000 held-out simulations" >&2
		"$LAA" diagnose -q --model "$dir/model.laa" --data "$OUT/test.npz" --held-out 1000 --compare-held-out 0 -o "$dir/report" >"$dir/diagnose.txt"
	fi
	if [ ! -f "$dir/compare/compare.json" ]; then
		echo "== $name: against the exact posterior on $N_OBS observations" >&2
		"$LAA" compare -q --model "$dir/model.laa" --data "$OUT/test.npz" --held-out "$N_OBS" --exact --mcmc-iterations 1000 --cross-runs 5 \
			--references "$OUT/references" -o "$dir/compare" >"$dir/compare.txt"
	fi
done

# Throughput of each variant alone: 2 epochs on the first 20,000 pairs (the
# same rows: simulation i depends only on (seed, i)), so that the training
# times in the table do not depend on what ran beside the long runs.
[ -f "$OUT/small.npz" ] || "$LAA" simulate -q -n 20000 --seed 1 -o "$OUT/small.npz"
for v in $VARIANTS; do
	IFS=: read -r summary flow epochs <<<"$v"
	dir="$OUT/$summary-$flow-$epochs"
	[ -f "$dir/throughput.json" ] && continue
	"$LAA" train -q --data "$OUT/small.npz" --summary "$summary" --flow "$flow" --epochs 2 --patience 0 -o "$dir/small.laa" >/dev/null
	"$PYTHON" -c 'import json, sys; h = json.load(open(sys.argv[1])); json.dump({"samples_per_s": h["samples_seen"] / h["seconds"]}, open(sys.argv[2], "w"))' \
		"$dir/small.history.json" "$dir/throughput.json"
done

"$PYTHON" bench/accuracy/table.py "$OUT"/*/model.history.json
echo
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the end; results in $OUT"
