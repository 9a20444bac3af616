package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Finite-difference gradient checks. The loss is a random linear functional
// L = Σ w ⊙ y of the layer output, summed in float64; each input and
// parameter value is moved by ±eps (in float32) and the central difference
// is compared with what Backward returned.
const (
	// gradRelTol is the relative tolerance between analytic and numeric
	// gradients.
	gradRelTol = 1e-2
	// gradAbsFrac sets an absolute floor, as a fraction of the largest
	// gradient of the same tensor, below which differences are float32
	// noise in the finite difference.
	gradAbsFrac = 1e-3
	// smoothEps is the step for layers without kinks.
	smoothEps = 1e-2
	// kinkEps is the smaller step for ReLU networks, which makes crossing a
	// kink unlikely.
	kinkEps = 1e-3
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// randMat returns a rows x cols matrix of standard normal values times scale.
func randMat(rng *rand.Rand, rows, cols int, scale float64) *Mat {
	m := NewMat(rows, cols)
	for i := range m.Data {
		m.Data[i] = float32(scale * rng.NormFloat64())
	}
	return m
}

// checkGrad checks layer's input and parameter gradients at x.
func checkGrad(t *testing.T, layer Layer, x *Mat, eps float64, rng *rand.Rand) {
	t.Helper()
	y := layer.Forward(x)
	w := randMat(rng, y.Rows, y.Cols, 1)
	loss := func() float64 {
		y := layer.Forward(x)
		var s float64
		for i, v := range y.Data {
			s += float64(v) * float64(w.Data[i])
		}
		return s
	}
	params := layer.Params()
	ZeroGrads(params)
	layer.Forward(x)
	dx := layer.Backward(w).Clone()

	compare := func(name string, vals, ana []float32) {
		t.Helper()
		var scale float64
		for _, g := range ana {
			scale = max(scale, math.Abs(float64(g)))
		}
		bad := 0
		for i := range vals {
			old := vals[i]
			vals[i] = float32(float64(old) + eps)
			hp := float64(vals[i]) - float64(old)
			lp := loss()
			vals[i] = float32(float64(old) - eps)
			hm := float64(old) - float64(vals[i])
			lm := loss()
			vals[i] = old
			num := (lp - lm) / (hp + hm)
			a := float64(ana[i])
			if math.Abs(num-a) > gradRelTol*max(math.Abs(num), math.Abs(a))+gradAbsFrac*scale {
				if bad < 5 {
					t.Errorf("%s[%d]: analytic %.6g, numeric %.6g", name, i, a, num)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d gradients disagree", name, bad, len(vals))
		}
	}
	compare("x", x.Data, dx.Data)
	for _, p := range params {
		compare(p.Name, p.Value.Data, append([]float32(nil), p.Grad.Data...))
	}
}

func TestDenseGrad(t *testing.T) {
	t.Parallel()
	rng := newRNG(1)
	for _, init := range []Init{Xavier, He} {
		d := NewDense(5, 3, init, rng)
		for i := range d.B.Value.Data {
			d.B.Value.Data[i] = float32(rng.NormFloat64())
		}
		checkGrad(t, d, randMat(rng, 4, 5, 1), smoothEps, rng)
	}
}

func TestActivationGrad(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"relu", "tanh", "softplus"} {
		t.Run(name, func(t *testing.T) {
			rng := newRNG(2)
			a, err := NewActivation(name)
			if err != nil {
				t.Fatal(err)
			}
			x := randMat(rng, 6, 7, 2)
			for i, v := range x.Data { // keep ReLU inputs off the kink
				if math.Abs(float64(v)) < 0.1 {
					x.Data[i] = 0.1 + v
				}
			}
			checkGrad(t, a, x, smoothEps, rng)
		})
	}
}

func TestActivationValues(t *testing.T) {
	t.Parallel()
	x := &Mat{Rows: 1, Cols: 4, Data: []float32{-2, -0.5, 0.5, 3}}
	for _, tc := range []struct {
		name string
		f    func(float64) float64
	}{
		{"relu", func(v float64) float64 { return max(v, 0) }},
		{"tanh", math.Tanh},
		{"softplus", func(v float64) float64 { return math.Log1p(math.Exp(v)) }},
	} {
		a, _ := NewActivation(tc.name)
		y := a.Forward(x)
		for i, v := range x.Data {
			if want := tc.f(float64(v)); math.Abs(float64(y.Data[i])-want) > 1e-6 {
				t.Errorf("%s(%g) = %g, want %g", tc.name, v, y.Data[i], want)
			}
		}
	}
	if _, err := NewActivation("gelu"); err == nil {
		t.Error("NewActivation(gelu): no error")
	}
}

func TestMLPGrad(t *testing.T) {
	t.Parallel()
	for _, act := range []string{"relu", "tanh", "softplus"} {
		t.Run(act, func(t *testing.T) {
			rng := newRNG(3)
			m := NewMLP([]int{4, 8, 6, 3}, act, rng)
			eps := smoothEps
			if act == "relu" {
				eps = kinkEps
			}
			checkGrad(t, m, randMat(rng, 5, 4, 1), eps, rng)
		})
	}
}

func TestMLPZeroLast(t *testing.T) {
	t.Parallel()
	rng := newRNG(4)
	m := NewMLP([]int{3, 5, 2}, "tanh", rng).ZeroLast()
	if got := len(m.Params()); got != 4 {
		t.Fatalf("%d params, want 4", got)
	}
	y := m.Forward(randMat(rng, 4, 3, 1))
	for _, v := range y.Data {
		if v != 0 {
			t.Fatalf("output %g after ZeroLast, want 0", v)
		}
	}
	ZeroGrads(m.Params())
	m.Backward(randMat(rng, 4, 2, 1))
	last := m.Params()[2] // dense1.W
	if last.Name != "dense1.W" {
		t.Fatalf("param name %q", last.Name)
	}
	var s float64
	for _, g := range last.Grad.Data {
		s += math.Abs(float64(g))
	}
	if s == 0 {
		t.Error("zeroed last layer gets no gradient")
	}
}

func TestLSTMGrad(t *testing.T) {
	t.Parallel()
	const in, hidden, steps, batch = 3, 4, 5, 2
	for _, layers := range []int{1, 2} {
		for _, seq := range []bool{false, true} {
			t.Run(fmt.Sprintf("layers=%d/seq=%v", layers, seq), func(t *testing.T) {
				rng := newRNG(5)
				s := NewLSTMStack(LSTMConfig{In: in, Hidden: hidden, Layers: layers, Steps: steps, ReturnSequence: seq}, rng)
				for _, l := range s.Layers { // exercise the bias gradient off its init
					for i := range l.B.Value.Data {
						l.B.Value.Data[i] += float32(0.3 * rng.NormFloat64())
					}
				}
				checkGrad(t, s, randMat(rng, steps*batch, in, 1), smoothEps, rng)
			})
		}
	}
}

func TestAvgPoolTimeGrad(t *testing.T) {
	t.Parallel()
	rng := newRNG(6)
	checkGrad(t, NewAvgPoolTime(3, 7), randMat(rng, 7*2, 3, 1), smoothEps, rng)
}
