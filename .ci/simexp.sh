#!/usr/bin/env bash
# neuron's two RK4 stage kernels beyond the default build's tests
# (go test ./... covers stageAVX2 and its agreement with the fallback):
# - the whole package on the scalar fallback: -tags purego builds neuron
#   without stageAVX2 (neuron/kernel_other.go), as on CPUs without AVX2 and
#   off amd64;
# - the bit-for-bit agreement of the two kernels at GOAMD64=v3, where the
#   compiler may fuse multiply-adds (stageGo's explicit conversions forbid it).
set -euo pipefail
cd "$(dirname "$0")/.."
go vet -tags purego ./neuron ./bench/simspeed
go test -tags purego -short -count=1 ./neuron
GOAMD64=v3 go test -count=1 -run 'StageAVX2|EitherKernel|StageMatches' ./neuron
