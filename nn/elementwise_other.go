//go:build !amd64 || (openblas && cgo)

package nn

func relu(y, x []float32)              { reluGo(y, x) }
func reluGrad(dx, dy, y []float32)     { reluGradGo(dx, dy, y) }
func keepPositive(dx, dy, y []float32) { keepPositiveGo(dx, dy, y) }

func addTo(dst, src []float32) { addToGo(dst, src) }

func adamUpdate(w, g, m, v []float32, c *adamConsts) { adamGo(w, g, m, v, c) }

func cellForwardRow(gi, gf, gg, gO, cp, c, tc, h []float32, floor float32) int { return 0 }

func addBiasRows(y, bias []float32, relu bool) { addBiasRowsGo(y, bias, relu) }
