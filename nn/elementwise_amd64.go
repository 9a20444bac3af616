//go:build !(openblas && cgo)

package nn

// relu sets y[i] = max(x[i], 0) for i < len(x), as reluGo does.
func relu(y, x []float32) {
	n := 0
	if hasAsmKernel && len(x) >= 8 {
		n = len(x) &^ 7
		_ = y[n-1]
		reluAVX(n, &y[0], &x[0])
	}
	reluGo(y[n:], x[n:])
}

// reluGrad sets dx[i] = dy[i] where y[i] > 0, else 0, for i < len(dy).
func reluGrad(dx, dy, y []float32) {
	n := 0
	if hasAsmKernel && len(dy) >= 8 {
		n = len(dy) &^ 7
		_, _ = dx[n-1], y[n-1]
		reluGradAVX(n, &dx[0], &dy[0], &y[0])
	}
	reluGradGo(dx[n:], dy[n:], y[n:])
}

// keepPositive sets dx[i] = dy[i] where y[i]'s bits as an int32 are positive, else 0.
func keepPositive(dx, dy, y []float32) {
	n := 0
	if hasAsmKernel && len(dy) >= 8 {
		n = len(dy) &^ 7
		_, _ = dx[n-1], y[n-1]
		keepPositiveAVX(n, &dx[0], &dy[0], &y[0])
	}
	keepPositiveGo(dx[n:], dy[n:], y[n:])
}

// reluAVX is reluGo over n values, n a multiple of 8. See elementwise_amd64.s.
//
//go:noescape
func reluAVX(n int, y, x *float32)

// reluGradAVX is reluGradGo over n values, n a multiple of 8.
//
//go:noescape
func reluGradAVX(n int, dx, dy, y *float32)

// keepPositiveAVX is keepPositiveGo over n values, n a multiple of 8.
//
//go:noescape
func keepPositiveAVX(n int, dx, dy, y *float32)

// addTo sets dst[i] += src[i] for i < len(src), as addToGo does.
func addTo(dst, src []float32) {
	n := 0
	if hasAsmKernel && len(src) >= 8 {
		n = len(src) &^ 7
		_ = dst[n-1]
		addAVX(n, &dst[0], &src[0])
	}
	addToGo(dst[n:], src[n:])
}

// addAVX is addToGo over n values, n a multiple of 8.
//
//go:noescape
func addAVX(n int, dst, src *float32)

// adamUpdate is adamGo, the bulk of it through AVX with the same bits.
func adamUpdate(w, g, m, v []float32, c *adamConsts) {
	n := 0
	if hasAsmKernel && len(w) >= 8 {
		n = len(w) &^ 7
		_, _, _ = g[n-1], m[n-1], v[n-1]
		adamAVX(n, &w[0], &g[0], &m[0], &v[0], c)
	}
	adamGo(w[n:], g[n:], m[n:], v[n:], c)
}

// adamAVX is adamGo over n values, n a multiple of 8.
//
//go:noescape
func adamAVX(n int, w, grad, m, v *float32, c *adamConsts)

// addBiasRows is addBiasRowsGo, in AVX when the rows are a multiple of 8
// values long.
func addBiasRows(y, bias []float32, relu bool) {
	n := len(bias)
	if !hasAsmKernel || n == 0 || n%8 != 0 || len(y) < n {
		addBiasRowsGo(y, bias, relu)
		return
	}
	r := 0
	if relu {
		r = 1
	}
	addBiasRowsAVX(len(y)/n, n, &y[0], &bias[0], r)
}

// addBiasRowsAVX is addBiasRowsGo over rows rows of n values, n a multiple
// of 8; relu is 0 or 1.
//
//go:noescape
func addBiasRowsAVX(rows, n int, y, bias *float32, relu int)
