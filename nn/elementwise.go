package nn

import "math"

// The elementwise passes of the ReLU, in Go; elementwise_amd64.go runs
// the bulk of each slice through AVX instructions with the same results
// and leaves the tail to these.

// reluGo sets y[i] = max(x[i], 0): NaN stays the same NaN (as the AVX
// version keeps it), -0 becomes +0.
func reluGo(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if 0 > v {
			v = 0
		}
		y[i] = v + 0
	}
}

// reluGradGo sets dx[i] = dy[i] where y[i] > 0 and 0 elsewhere.
func reluGradGo(dx, dy, y []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	for i, g := range dy {
		if y[i] > 0 {
			dx[i] = g
		} else {
			dx[i] = 0
		}
	}
}

// keepPositiveGo sets dx[i] = dy[i] where the bits of y[i], read as an
// int32, are positive, and 0 elsewhere: for y = max(x, 0) (never -0), 0
// exactly where the ReLU cut, and a NaN y passes the gradient by its sign.
func keepPositiveGo(dx, dy, y []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	for i, g := range dy {
		// Branch-free (a branch here mispredicts half the time): -bits
		// is negative, and its top bit all ones, exactly for positive bits.
		keep := uint32(-int64(int32(math.Float32bits(y[i]))) >> 63)
		dx[i] = math.Float32frombits(math.Float32bits(g) & keep)
	}
}

// addToGo sets dst[i] += src[i].
func addToGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}

// addBiasRowsGo adds bias to every row of y (rows of len(bias) values),
// then with relu takes max(·, 0) as reluGo does.
func addBiasRowsGo(y, bias []float32, relu bool) {
	n := len(bias)
	if n == 0 {
		return
	}
	for lo := 0; lo+n <= len(y); lo += n {
		row := y[lo : lo+n]
		for j, b := range bias {
			v := row[j] + b
			if relu && 0 > v {
				v = 0
			}
			if relu {
				v += 0
			}
			row[j] = v
		}
	}
}
