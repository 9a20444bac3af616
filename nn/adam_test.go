package nn

import (
	"math"
	"testing"
)

// adamTol is the relative tolerance of float32 updates against float64.
const adamTol = 1e-6

func TestAdamHandStep(t *testing.T) {
	t.Parallel()
	p := NewParam("p", 1, 3)
	copy(p.Value.Data, []float32{1, -2, 0.5})
	grads := [][]float32{{0.1, -0.3, 0}, {0.2, 0.1, -1e-3}}
	a := NewAdam([]*Param{p}, 0.01)
	a.WeightDecay = 0.1

	// Hand computation in float64.
	w := []float64{1, -2, 0.5}
	m, v := make([]float64, 3), make([]float64, 3)
	for step, g := range grads {
		copy(p.Grad.Data, g)
		a.Step()
		tt := float64(step + 1)
		for i := range w {
			gi := float64(g[i])
			m[i] = 0.9*m[i] + 0.1*gi
			v[i] = 0.999*v[i] + 0.001*gi*gi
			mh, vh := m[i]/(1-math.Pow(0.9, tt)), v[i]/(1-math.Pow(0.999, tt))
			w[i] -= 0.01*mh/(math.Sqrt(vh)+1e-8) + 0.01*0.1*w[i]
		}
	}
	if a.Steps() != 2 {
		t.Errorf("Steps() = %d", a.Steps())
	}
	for i := range w {
		if got := float64(p.Value.Data[i]); math.Abs(got-w[i]) > adamTol*(1+math.Abs(w[i])) {
			t.Errorf("p[%d] = %.9g, want %.9g", i, got, w[i])
		}
	}
}

func TestAdamFirstStep(t *testing.T) {
	t.Parallel()
	p := NewParam("p", 1, 2)
	copy(p.Value.Data, []float32{1, 1})
	copy(p.Grad.Data, []float32{0.5, -4})
	NewAdam([]*Param{p}, 0.1).Step()
	// Bias correction makes the first step lr*g/|g| (up to eps).
	for i, want := range []float64{0.9, 1.1} {
		if got := float64(p.Value.Data[i]); math.Abs(got-want) > 1e-6 {
			t.Errorf("p[%d] = %g, want %g", i, got, want)
		}
	}
}

func TestAdamStateRoundTrip(t *testing.T) {
	t.Parallel()
	rng := newRNG(30)
	mk := func() (*MLP, *Adam) {
		m := NewMLP([]int{2, 3, 1}, "tanh", newRNG(31))
		return m, NewAdam(m.Params(), 1e-2)
	}
	m1, a1 := mk()
	grads := make([]*Mat, len(m1.Params()))
	for i, p := range m1.Params() {
		grads[i] = randMat(rng, p.Grad.Rows, p.Grad.Cols, 1)
	}
	step := func(m *MLP, a *Adam) {
		for i, p := range m.Params() {
			copy(p.Grad.Data, grads[i].Data)
		}
		a.Step()
	}
	for range 3 {
		step(m1, a1)
	}
	m2, a2 := mk()
	for i, p := range m2.Params() {
		copy(p.Value.Data, m1.Params()[i].Value.Data)
	}
	if err := a2.SetState(a1.State()); err != nil {
		t.Fatal(err)
	}
	step(m1, a1)
	step(m2, a2)
	for i, p := range m2.Params() {
		for j, v := range p.Value.Data {
			if v != m1.Params()[i].Value.Data[j] {
				t.Fatalf("%s[%d] differs after restoring the state", p.Name, j)
			}
		}
	}
	if err := a2.SetState(AdamState{M: make([]float32, 3), V: make([]float32, 3)}); err == nil {
		t.Error("SetState with the wrong length: no error")
	}
}

func TestClipGradNorm(t *testing.T) {
	t.Parallel()
	p, q := NewParam("p", 1, 1), NewParam("q", 1, 1)
	p.Grad.Data[0], q.Grad.Data[0] = 3, 4
	ps := []*Param{p, q}
	if n := ClipGradNorm(ps, 10); n != 5 || p.Grad.Data[0] != 3 {
		t.Errorf("no clip: norm %g, grad %g", n, p.Grad.Data[0])
	}
	if n := ClipGradNorm(ps, 1); n != 5 {
		t.Errorf("norm %g, want 5", n)
	}
	if math.Abs(float64(p.Grad.Data[0])-0.6) > 1e-7 || math.Abs(float64(q.Grad.Data[0])-0.8) > 1e-7 {
		t.Errorf("clipped to %g, %g, want 0.6, 0.8", p.Grad.Data[0], q.Grad.Data[0])
	}
	q.Grad.Data[0] = float32(math.NaN())
	if n := ClipGradNorm(ps, 1); !math.IsNaN(n) || p.Grad.Data[0] != 0.6 {
		t.Errorf("NaN gradient: norm %g, p changed to %g", n, p.Grad.Data[0])
	}
	ZeroGrads(ps)
	if p.Grad.Data[0] != 0 || q.Grad.Data[0] != 0 {
		t.Error("ZeroGrads left gradients")
	}
}
