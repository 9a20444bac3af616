#!/usr/bin/env bash
# The neuron package's tests on its scalar fallback stage: -tags purego
# builds neuron without stageAVX2 (neuron/kernel_other.go), as on CPUs
# without AVX2 and off amd64. The default build's tests (go test ./...)
# cover stageAVX2 and its agreement with the fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
go vet -tags purego ./neuron ./bench/simspeed
go test -tags purego -short -count=1 ./neuron
