package nn

import (
	"fmt"
	"math"
	"testing"
)

// convTol bounds the difference between the im2col convolution and a direct
// float64 sum (float32 rounding over at most a few dozen terms).
const convTol = 1e-5

var convShapes = []Conv1DConfig{
	{In: 2, Out: 3, Kernel: 3, Steps: 9},
	{In: 2, Out: 4, Kernel: 5, Stride: 2, Steps: 12},
	{In: 3, Out: 2, Kernel: 3, Stride: 2, Dilation: 2, Steps: 11},
	{In: 1, Out: 3, Kernel: 4, Stride: 3, Steps: 10},               // even kernel, uneven padding
	{In: 2, Out: 3, Kernel: 3, Dilation: 3, Steps: 8, Valid: true}, // valid, dilated
	{In: 2, Out: 2, Kernel: 2, Stride: 3, Steps: 10, Valid: true},  // valid, strided past the end
	{In: 3, Out: 17, Kernel: 5, Stride: 2, Dilation: 1, Steps: 16}, // Out above one GEMM tile
	{In: 1, Out: 1, Kernel: 7, Stride: 1, Dilation: 1, Steps: 3},   // kernel longer than the sequence
	{In: 2, Out: 3, Kernel: 1, Stride: 4, Dilation: 1, Steps: 9},   // 1x1 convolution
	{In: 2, Out: 2, Kernel: 3, Stride: 1, Dilation: 4, Steps: 9},   // dilation wider than the padding
	{In: 4, Out: 3, Kernel: 3, Stride: 2, Dilation: 2, Steps: 5, Valid: true},
}

func convName(c Conv1DConfig) string {
	return fmt.Sprintf("in%d_out%d_k%d_s%d_d%d_T%d_valid%v_relu%v", c.In, c.Out, c.Kernel, c.Stride, c.Dilation, c.Steps, c.Valid, c.ReLU)
}

// directConv is the definition: y_b(u, o) = bias(o) + Σ_k Σ_c W x_b(t, c),
// t = u*stride + k*dilation - padLeft, with the padding worked out here
// independently of the layer.
func directConv(c *Conv1D, x *Mat) (y []float64, outSteps int) {
	s, d := max(c.Stride, 1), max(c.Dilation, 1)
	span := d*(c.Kernel-1) + 1
	pad := 0
	if c.Valid {
		outSteps = (c.Steps-span)/s + 1
	} else {
		outSteps = int(math.Ceil(float64(c.Steps) / float64(s)))
		pad = max((outSteps-1)*s+span-c.Steps, 0) / 2
	}
	for b := range x.Rows {
		for u := range outSteps {
			for o := range c.Out {
				v := float64(c.B.Value.Data[o])
				for k := range c.Kernel {
					t := u*s + k*d - pad
					if t < 0 || t >= c.Steps {
						continue
					}
					for ch := range c.In {
						v += float64(c.W.Value.At(k*c.In+ch, o)) * float64(x.At(b, t*c.In+ch))
					}
				}
				if c.ReLU {
					v = max(v, 0)
				}
				y = append(y, v)
			}
		}
	}
	return y, outSteps
}

// withReLU returns the shapes twice, without and with the fused ReLU.
func withReLU(shapes []Conv1DConfig) []Conv1DConfig {
	out := append([]Conv1DConfig(nil), shapes...)
	for _, c := range shapes {
		c.ReLU = true
		out = append(out, c)
	}
	return out
}

func TestConv1DValues(t *testing.T) {
	t.Parallel()
	for i, cfg := range withReLU(convShapes) {
		rng := newRNG(uint64(60 + i))
		c := NewConv1D(cfg, "", rng)
		for j := range c.B.Value.Data {
			c.B.Value.Data[j] = float32(rng.NormFloat64())
		}
		x := randMat(rng, 3, cfg.Steps*cfg.In, 1)
		want, U := directConv(c, x)
		if c.OutSteps() != U {
			t.Fatalf("%s: OutSteps %d, want %d", convName(cfg), c.OutSteps(), U)
		}
		for rep := range 2 { // the second call reuses the buffers
			y := c.Forward(x)
			if y.Rows != 3 || y.Cols != U*cfg.Out {
				t.Fatalf("%s: output %dx%d, want 3x%d", convName(cfg), y.Rows, y.Cols, U*cfg.Out)
			}
			for j, w := range want {
				if math.Abs(float64(y.Data[j])-w) > convTol*(1+math.Abs(w)) {
					t.Fatalf("%s call %d: y[%d] = %g, want %g", convName(cfg), rep, j, y.Data[j], w)
				}
			}
		}
	}
}

func TestConv1DGrad(t *testing.T) {
	t.Parallel()
	for i, cfg := range withReLU(convShapes) {
		t.Run(convName(cfg), func(t *testing.T) {
			rng := newRNG(uint64(80 + i))
			c := NewConv1D(cfg, "conv.", rng)
			for j := range c.B.Value.Data {
				c.B.Value.Data[j] = float32(rng.NormFloat64())
			}
			eps := smoothEps
			if cfg.ReLU {
				eps = kinkEps
			}
			checkGrad(t, c, randMat(rng, 2, cfg.Steps*cfg.In, 1), eps, rng)
		})
	}
}

func TestConv1DNoInputGrad(t *testing.T) {
	t.Parallel()
	rng := newRNG(90)
	cfg := convShapes[1]
	a, b := NewConv1D(cfg, "", newRNG(91)), NewConv1D(cfg, "", newRNG(91))
	b.NoInputGrad = true
	x := randMat(rng, 4, cfg.Steps*cfg.In, 1)
	dy := randMat(rng, 4, a.OutSteps()*cfg.Out, 1)
	a.Forward(x)
	a.Backward(dy)
	b.Forward(x)
	if dx := b.Backward(dy); dx != nil {
		t.Fatal("NoInputGrad: Backward returned a gradient")
	}
	for j, g := range a.W.Grad.Data {
		if b.W.Grad.Data[j] != g {
			t.Fatalf("NoInputGrad changed dW[%d]: %g vs %g", j, b.W.Grad.Data[j], g)
		}
	}
}

// A small CNN, conv-ReLU-pool-conv with fused ReLU-global pool,
// differentiated as one layer (ReLU inputs are kept off the kink by the small step).
func TestConvStackGrad(t *testing.T) {
	t.Parallel()
	rng := newRNG(92)
	c1 := NewConv1D(Conv1DConfig{In: 2, Out: 4, Kernel: 3, Stride: 2, Steps: 14}, "c1.", rng)
	pool := NewAvgPool1D(2, c1.OutSteps(), 4)
	c2 := NewConv1D(Conv1DConfig{In: 4, Out: 3, Kernel: 3, Dilation: 2, Steps: pool.OutSteps(), ReLU: true}, "c2.", rng)
	gap := NewAvgPool1D(c2.OutSteps(), c2.OutSteps(), 3)
	stack := &MLP{Layers: []Layer{c1, &ReLU{}, pool, c2, gap}}
	checkGrad(t, stack, randMat(rng, 3, 28, 1), kinkEps, rng)
}

func TestAvgPool1DGrad(t *testing.T) {
	t.Parallel()
	rng := newRNG(93)
	for _, s := range []struct{ stride, steps, ch int }{{2, 7, 3}, {3, 9, 1}, {9, 9, 2}, {20, 9, 2}, {1, 4, 2}} {
		checkGrad(t, NewAvgPool1D(s.stride, s.steps, s.ch), randMat(rng, 2, s.steps*s.ch, 1), smoothEps, rng)
	}
}

func TestAvgPool1DValues(t *testing.T) {
	t.Parallel()
	// One sequence of 5 steps, 2 channels: x(t, c) = 10*c + t.
	x := NewMat(1, 10)
	for s := range 5 {
		for c := range 2 {
			x.Set(0, s*2+c, float32(10*c+s))
		}
	}
	y := NewAvgPool1D(2, 5, 2).Forward(x)
	want := []float32{0.5, 10.5, 2.5, 12.5, 4, 14} // windows {0,1}, {2,3}, {4}
	for i, w := range want {
		if y.Data[i] != w {
			t.Errorf("y[%d] = %g, want %g", i, y.Data[i], w)
		}
	}
	g := NewAvgPool1D(5, 5, 2).Forward(x) // global
	if g.Cols != 2 || g.Data[0] != 2 || g.Data[1] != 12 {
		t.Errorf("global average %v, want [2 12]", g.Data)
	}
}

func TestConv1DPanicsOnBadShapes(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"valid kernel too long": func() {
			NewConv1D(Conv1DConfig{In: 1, Out: 1, Kernel: 3, Dilation: 2, Steps: 4, Valid: true}, "", newRNG(1))
		},
		"zero channels": func() { NewConv1D(Conv1DConfig{Out: 1, Kernel: 3, Steps: 4}, "", newRNG(1)) },
		"wrong input width": func() {
			NewConv1D(Conv1DConfig{In: 2, Out: 1, Kernel: 3, Steps: 4}, "", newRNG(1)).Forward(NewMat(2, 7))
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
