package main

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// kernelName names the RK4 stage the library runs in this binary: the
// AVX2 assembly on amd64 CPUs with AVX2 (neuron/kernel_amd64.go), else the
// scalar Go fallback.
func kernelName() string {
	if !purego && runtime.GOARCH == "amd64" && cpu.X86.HasAVX2 {
		return "stage in AVX2 assembly (`stageAVX2`)"
	}
	return "scalar stage (`stageGo`)"
}
