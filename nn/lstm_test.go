package nn

import (
	"math"
	"testing"
)

// lstmTol is the absolute tolerance of the float32 LSTM against a float64
// reference.
const lstmTol = 1e-5

// refLSTM runs one LSTM layer in float64 with plain loops, one example at a
// time, from one sequence per example: xs[b][t] is the input at step t.
// It returns hs[b][t].
func refLSTM(l *LSTM, xs [][][]float64) [][][]float64 {
	H, in := l.Hidden(), l.In()
	wx, wh, bias := l.Wx.Value, l.Wh.Value, l.B.Value.Data
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	out := make([][][]float64, len(xs))
	for b, seq := range xs {
		h, c := make([]float64, H), make([]float64, H)
		for _, x := range seq {
			a := make([]float64, 4*H)
			for j := range 4 * H {
				a[j] = float64(bias[j])
				for p := range in {
					a[j] += x[p] * float64(wx.At(p, j))
				}
				for p := range H {
					a[j] += h[p] * float64(wh.At(p, j))
				}
			}
			hn := make([]float64, H)
			for j := range H {
				c[j] = sig(a[H+j])*c[j] + sig(a[j])*math.Tanh(a[2*H+j])
				hn[j] = sig(a[3*H+j]) * math.Tanh(c[j])
			}
			h = hn
			out[b] = append(out[b], h)
		}
	}
	return out
}

func TestLSTMForwardReference(t *testing.T) {
	t.Parallel()
	const in, hidden, steps, batch = 3, 5, 6, 4
	rng := newRNG(20)
	l := NewLSTM(in, hidden, steps, rng)
	l.ReturnSequence = true
	x := randMat(rng, steps*batch, in, 1)
	xs := make([][][]float64, batch)
	for b := range batch {
		for s := range steps {
			row := make([]float64, in)
			for p := range in {
				row[p] = float64(x.At(s*batch+b, p))
			}
			xs[b] = append(xs[b], row)
		}
	}
	want := refLSTM(l, xs)
	y := l.Forward(x)
	for s := range steps {
		for b := range batch {
			for j := range hidden {
				if got := float64(y.At(s*batch+b, j)); math.Abs(got-want[b][s][j]) > lstmTol {
					t.Fatalf("h[t=%d,b=%d,%d] = %g, want %g", s, b, j, got, want[b][s][j])
				}
			}
		}
	}
	l.ReturnSequence = false
	last := l.Forward(x)
	if last.Rows != batch || last.Cols != hidden {
		t.Fatalf("last state is %dx%d", last.Rows, last.Cols)
	}
	for b := range batch {
		for j := range hidden {
			if got := float64(last.At(b, j)); math.Abs(got-want[b][steps-1][j]) > lstmTol {
				t.Fatalf("last h[%d,%d] = %g, want %g", b, j, got, want[b][steps-1][j])
			}
		}
	}
	if f := l.B.Value.Data[hidden]; f != 1 {
		t.Errorf("forget bias %g, want 1", f)
	}
}

// TestLSTMBufferReuse checks that buffers kept across calls with changing
// batch sizes give the same results as a fresh layer.
func TestLSTMBufferReuse(t *testing.T) {
	t.Parallel()
	cfg := LSTMConfig{In: 2, Hidden: 3, Layers: 2, Steps: 4}
	s := NewLSTMStack(cfg, newRNG(21))
	rng := newRNG(22)
	for _, batch := range []int{3, 1, 5, 3} {
		x := randMat(rng, cfg.Steps*batch, cfg.In, 1)
		dy := randMat(rng, batch, cfg.Hidden, 1)
		fresh := NewLSTMStack(cfg, newRNG(21))
		ZeroGrads(s.Params())
		y, dx := s.Forward(x).Clone(), s.Backward(dy).Clone()
		wy, wdx := fresh.Forward(x), fresh.Backward(dy)
		for _, pair := range [][2]*Mat{{y, wy}, {dx, wdx}, {s.Params()[1].Grad, fresh.Params()[1].Grad}} {
			sameShape("reuse", pair[0], pair[1])
			for i := range pair[0].Data {
				if pair[0].Data[i] != pair[1].Data[i] {
					t.Fatalf("batch %d: reused layer differs from fresh one", batch)
				}
			}
		}
	}
}

func TestLSTMStackNames(t *testing.T) {
	t.Parallel()
	s := NewLSTMStack(LSTMConfig{In: 2, Hidden: 3, Layers: 2, Steps: 4}, newRNG(23))
	want := []string{"lstm0.Wx", "lstm0.Wh", "lstm0.b", "lstm1.Wx", "lstm1.Wh", "lstm1.b"}
	for i, p := range s.Params() {
		if p.Name != want[i] {
			t.Errorf("param %d named %q, want %q", i, p.Name, want[i])
		}
	}
	if !s.Layers[0].ReturnSequence || s.Layers[1].ReturnSequence {
		t.Error("lower layers must return sequences, the top one its last state")
	}
}

func TestFlush(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ x, floor, want float32 }{
		{1e-31, subnormalFloor, 0},
		{-1e-31, subnormalFloor, 0},
		{1e-39, subnormalFloor, 0},
		{1e-29, subnormalFloor, 1e-29},
		{-2, subnormalFloor, -2},
		{1e-39, 0, 1e-39},
	} {
		if got := flush(tc.x, tc.floor); got != tc.want {
			t.Errorf("flush(%g, %g) = %g, want %g", tc.x, tc.floor, got, tc.want)
		}
	}
}
