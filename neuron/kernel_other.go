//go:build !amd64 || purego

package neuron

// useAVX2 is false off amd64 (and with the purego tag): stage runs stageGo.
var useAVX2 = false

func stageAVX2(l *lanes, dst, kp *[BlockSize]float64, c, iext float64) {
	panic("neuron: stageAVX2 without amd64")
}
