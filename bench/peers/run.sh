#!/usr/bin/env bash
# Goals benchmark: laa, BayesFlow 2.1 on JAX (CPU) and PyTorch side by side
# on the same data set and the same model (train.Preset("quick")): loading
# the data set, training samples/s in steady state, 1,000 posterior draws
# for one trace. Prints one markdown table with laa/peer ratios, the load
# average and the versions. See README.md.
#
#   bench/peers/run.sh                         # 100,000 simulations, 2 epochs: about 3 minutes on 2 cores
#   N=10000 bench/peers/run.sh                 # quick look
#   DATA=train.npz EPOCHS=3 ROUNDS=2 bench/peers/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${N:-100000}           # simulations, when DATA is not given
DATA=${DATA:-}           # a data set written by `laa simulate`; default: simulate N with seed 1
EPOCHS=${EPOCHS:-2}      # training epochs per implementation; the last one is timed
REPS=${REPS:-20}         # timed repetitions of 1,000 draws
ROUNDS=${ROUNDS:-1}      # rounds of laa, BayesFlow, PyTorch in turn; the table keeps each one's best
THREADS=${THREADS:-2}
BF_DEPTH=${BF_DEPTH:-3}  # BayesFlow CouplingFlow blocks, each a dual coupling (3 = laa's 6 couplings)
PY312=${PY312:-$HOME/.pyenv/versions/3.12.1/bin/python}
VENV=${VENV:-bench/.venv-peers}
TORCH_PYTHON=${TORCH_PYTHON:-/usr/bin/python3} # Debian's python with python3-torch
OUT=${OUT:-$(mktemp -d)}

# BayesFlow's environment: created and installed from the pinned
# requirements when missing (PyPI).
if ! "$VENV/bin/python" -c 'import bayesflow, jax' 2>/dev/null; then
	echo "installing BayesFlow into $VENV (Python 3.12: $PY312)" >&2
	"$PY312" -m venv "$VENV"
	"$VENV/bin/pip" install -q -r bench/peers/requirements.txt
fi
if ! "$TORCH_PYTHON" -c 'import torch, numpy' 2>/dev/null; then
	echo "$TORCH_PYTHON cannot import torch and numpy: apt-get install -y python3-torch python3-numpy" >&2
	exit 1
fi

go build -o "$OUT/laa" ./cmd/laa
go build -o "$OUT/laa-peers" ./bench/peers
if [ -z "$DATA" ]; then
	DATA=$OUT/train.npz
	echo "simulating $N traces into $DATA" >&2
	"$OUT/laa" simulate -n "$N" --seed 1 -o "$DATA" >&2
fi

load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$SECONDS
for r in $(seq "$ROUNDS"); do
	echo "round $r/$ROUNDS: laa" >&2
	GOMAXPROCS=$THREADS "$OUT/laa-peers" -data "$DATA" -epochs "$EPOCHS" -reps "$REPS" >"$OUT/laa$r.json"
	echo "round $r/$ROUNDS: BayesFlow (JAX)" >&2
	KERAS_BACKEND=jax "$VENV/bin/python" bench/peers/bf_hybrid.py --data "$DATA" --epochs "$EPOCHS" --reps "$REPS" --depth "$BF_DEPTH" \
		>"$OUT/bayesflow$r.json" 2>"$OUT/bayesflow$r.log"
	echo "round $r/$ROUNDS: PyTorch" >&2
	# PyTorch's fastest setting on 2 cores (bench/npe/README.md): a passive
	# OpenMP pool, single-threaded BLAS calls.
	OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 "$TORCH_PYTHON" bench/peers/torch_hybrid.py \
		--data "$DATA" --epochs "$EPOCHS" --reps "$REPS" --threads "$THREADS" >"$OUT/torch$r.json"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

"$TORCH_PYTHON" bench/peers/table.py "$OUT"/laa*.json "$OUT"/bayesflow*.json "$OUT"/torch*.json
echo
echo "Versions: $(go version | cut -d' ' -f3-), $("$VENV/bin/python" --version), $("$TORCH_PYTHON" --version);" \
	"$("$VENV/bin/python" -c 'import bayesflow, keras, jax, jaxlib, numpy; print(f"BayesFlow {bayesflow.__version__}, Keras {keras.__version__}, JAX {jax.__version__}, jaxlib {jaxlib.__version__}, numpy {numpy.__version__} (venv)")' 2>/dev/null);" \
	"$("$TORCH_PYTHON" -c 'import torch, numpy; print(f"PyTorch {torch.__version__}, numpy {numpy.__version__} (Debian)")')."
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; GOMAXPROCS=$THREADS, torch $THREADS threads, JAX/XLA its default;" \
	"load average $load0 before, $load1 after; $((SECONDS - t0)) s; JSON in $OUT."
