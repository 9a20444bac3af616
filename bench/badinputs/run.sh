#!/usr/bin/env bash
# Runs every command of the bad-inputs list (../shared/bad-inputs/README.md,
# issue 11) against the files there and prints a Markdown table: exit status,
# peak memory, wall time and the last line laa printed. Each command runs in
# a scratch copy of the folder, so nothing is written next to the inputs.
#
#   bash bench/badinputs/run.sh [BAD_INPUTS_DIR] > table.md
set -euo pipefail
cd "$(dirname "$0")/../.."
BAD=$(cd "${1:-../shared/bad-inputs}" && pwd)
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/laa" ./cmd/laa
export PATH="$BIN:$PATH"

echo "| case | command | exit | peak memory | time | last line |"
echo "|---|---|---|---|---|---|"
row() { # name, command
  local name=$1 cmd=$2 work
  work=$(mktemp -d)
  cp -r "$BAD"/. "$work"/
  local t0 rc rss
  t0=$(date +%s.%N)
  (cd "$work" && timeout 300 /usr/bin/time -f "MAXRSS %M" bash -c "$cmd" >out.txt 2>err.txt) || true
  rc=$(grep -o 'exited with non-zero status [0-9]*' "$work/err.txt" | awk '{print $NF}' | tail -1 || true)
  rss=$(grep MAXRSS "$work/err.txt" | awk '{print $2}' | sort -n | tail -1 || true)
  local last
  last=$(cat "$work/out.txt" "$work/err.txt" | grep -v -e MAXRSS -e 'exited with non-zero' -e '^\s*$' -e '% |' | tail -1 | tr '|' '/' | cut -c1-140 || true)
  printf '| %s | `%s` | %s | %d MB | %.1f s | %s |\n' "$name" "$cmd" "${rc:-0}" $((rss / 1024)) \
    "$(echo "$(date +%s.%N) - $t0" | bc)" "$last"
  rm -rf "$work"
}
row fortran "laa train --data traces_fortran.npz --summary lstm --epochs 1 -o f.laa"
row heap_1byte "laa simulate -n 1 --stimulus-from heap_1byte.nwb --area-cm2 1e-4 -o x.npz"
row globalheap "laa simulate -n 1 --stimulus-from globalheap_fatal.nwb --area-cm2 1e-4 -o x.npz"
row dims_1e12 "laa simulate -n 1 --stimulus-from dims_1e12.nwb --area-cm2 1e-4 -o x.npz"
row stray_quote "laa simulate -n 1 --stimulus-from stray_quote.csv -o x.npz"
row stray_quote_infer "laa infer --model m.laa --trace stray_quote.csv --draws 20 -o o"
row otherstim "laa train --data numpy_user_otherstim.npz --summary lstm --epochs 1 -o o.laa && laa infer --model o.laa --trace obs.csv --draws 50 -o o"
row numpy_900 "laa train --data numpy_user_900.npz --summary lstm --epochs 1 -o x.laa"
row devzero_model "laa info model_stim_devzero.laa"
row devzero_data "laa train --data meta_stim_devzero.npz --epochs 1 -o x.laa"
row hdr_reordered "laa train --data hdr_reordered.npz -o x.laa"
row huge_traces "laa train --data huge_traces_1e12.npz -o x.laa"
row claim_244 "laa train --data claim_244_bytes.npz -o x.laa"
row hdr_no_newline "laa train --data hdr_no_newline.npz -o x.laa"
row protocols "laa compare --model m300.laa --data test200.npz --held-out 1 -o cmp"
row dt_tiny "laa simulate -n 1 --config dt_tiny.yaml -o x.npz"
row dur_huge "laa simulate -n 1 --config dur_huge.yaml -o x.npz"
row out_over_input "cp test200.npz d.npz && laa train --data test200.npz --epochs 1 -o d.npz"
row out_is_data "laa train --data test200.npz --epochs 1 -o test200.npz"
row one_base_name "mkdir -p a b && cp obs.csv a/ && cp obs_doubled.csv b/obs.csv && laa infer --model m.laa --trace a/obs.csv --trace b/obs.csv --draws 20 -o c"
row overflow_merge "laa merge -o merged.npz overflow_shape.npz"
row overflow_diagnose "laa diagnose --model m.laa --data overflow_shape.npz -o rep"
row neg_len "laa info model_neg_len.laa"
row zipbomb "laa train --data zipbomb_meta.npz --epochs 1 -o x.laa"
row prior_huge_sd "laa simulate -n 4 --config prior_huge_sd.yaml -o inf.npz"
row data2d "laa infer --model m.laa --trace data2d.nwb --area-cm2 1e-4 --draws 50 -o d2"
row dup_entries "laa train --data dup_entries.npz --epochs 1 -o x.laa"
