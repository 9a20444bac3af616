//go:build !amd64 || purego

package neuron

// asmKernel reports whether this build holds stageAVX2.
const asmKernel = false

// useAVX2 is false off amd64 (and with the purego tag): stage runs stageGo.
var useAVX2 = false

func stageAVX2(l *lanes, dst, kp *[BlockSize]float64, c, iext float64) {
	panic("neuron: stageAVX2 without amd64")
}
