#!/usr/bin/env bash
# Side-by-side NPE benchmark: the PyTorch twin (torch_npe.py), laa pure Go
# (gonum) and laa with OpenBLAS, one after another in ROUNDS rounds, then a
# markdown table (best round per implementation). See README.md.
#
#   bench/npe/run.sh                      # about 3 minutes on 2 cores
#   ROUNDS=1 LSTM_STEPS=4 bench/npe/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-/usr/bin/python3} # Debian's python, which imports python3-torch
ROUNDS=${ROUNDS:-5}
MLP_STEPS=${MLP_STEPS:-20}
LSTM_STEPS=${LSTM_STEPS:-6}
REPS=${REPS:-20}
THREADS=${THREADS:-2}
# PyTorch's fastest setting on 2 cores (see README.md): its OpenMP pool of
# THREADS workers waits passively and its BLAS calls (OpenBLAS) run on one
# thread, so that the two thread pools do not fight over the cores.
TORCH_ENV=(OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" OPENBLAS_NUM_THREADS="${TORCH_BLAS_THREADS:-1}")
OUT=${OUT:-$(mktemp -d)}

go build -o "$OUT/laa-gonum" ./bench/npe
go build -tags openblas -o "$OUT/laa-openblas" ./bench/npe
flags=(-mlp-steps "$MLP_STEPS" -lstm-steps "$LSTM_STEPS" -reps "$REPS")

load0=$(cut -d' ' -f1 /proc/loadavg)
t0=$SECONDS
for r in $(seq "$ROUNDS"); do
	echo "round $r/$ROUNDS: pytorch" >&2
	env "${TORCH_ENV[@]}" "$PYTHON" bench/npe/torch_npe.py --threads "$THREADS" --mlp-steps "$MLP_STEPS" --lstm-steps "$LSTM_STEPS" --reps "$REPS" >"$OUT/torch$r.json"
	echo "round $r/$ROUNDS: laa gonum" >&2
	GOMAXPROCS=$THREADS "$OUT/laa-gonum" "${flags[@]}" >"$OUT/gonum$r.json"
	echo "round $r/$ROUNDS: laa openblas" >&2
	GOMAXPROCS=$THREADS OPENBLAS_NUM_THREADS=${LAA_BLAS_THREADS:-$THREADS} "$OUT/laa-openblas" "${flags[@]}" >"$OUT/openblas$r.json"
done

"$PYTHON" bench/npe/table.py "$OUT"/torch*.json "$OUT"/gonum*.json "$OUT"/openblas*.json
echo
echo "$THREADS threads each (PyTorch: ${TORCH_ENV[*]}); batch 256; median of $MLP_STEPS (MLP) / $LSTM_STEPS (LSTM) steps and $REPS draws; best of $ROUNDS rounds;" \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load average $load0 before the run;" \
	"$((SECONDS - t0)) s; JSON in $OUT"
