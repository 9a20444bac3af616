package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// LSTM is one long short-term memory layer run over a whole sequence.
//
// Sequences are time-major: an input of Steps time steps for a batch of B
// examples is a (Steps*B) x In matrix whose rows t*B .. t*B+B-1 hold time
// step t, example b in row t*B+b. The hidden sequence it returns has the
// same layout; TimeMajor converts from one sequence per row.
//
// With gate pre-activations a = x_t Wx + h_{t-1} Wh + b split into column
// blocks [i f g o] of width H,
//
//	c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g),  h_t = σ(o) ⊙ tanh(c_t),
//
// from h_{-1} = c_{-1} = 0. The input projection for all steps is one
// matrix product and each step adds one product with Wh; backward runs
// through time with one product per step and forms the weight gradients in
// three products at the end. Buffers are kept across calls, so Forward and
// Backward allocate no buffers once the batch size is steady. The returned
// matrices belong to the layer and are overwritten by its next call.
type LSTM struct {
	// Wx (In x 4H), Wh (H x 4H) and B (1 x 4H) hold the gate blocks
	// [input, forget, cell, output] side by side.
	Wx, Wh, B *Param
	// Steps is the sequence length T of the input.
	Steps int
	// ReturnSequence makes Forward return every hidden state, (Steps*B) x H,
	// instead of the last one, B x H.
	ReturnSequence bool
	// KeepSubnormals turns off the flush of tiny values to zero described in
	// subnormal.go; it exists for benchmarks.
	KeepSubnormals bool

	x      *Mat
	gates  []float32 // activated gates, (T*B) x 4H
	cells  []float32 // c_t, (T*B) x H
	tcells []float32 // tanh(c_t), (T*B) x H
	hs     *Mat      // h_t, (T*B) x H
	last   Mat       // view of h_{T-1}
	dgates []float32 // gate pre-activation gradients, (T*B) x 4H
	dh, dc []float32 // recurrent gradients, B x H
	dx     *Mat
}

// NewLSTM returns an in -> hidden layer over sequences of steps time steps.
// Weights are drawn from U(-1/√hidden, 1/√hidden) (as in PyTorch); biases
// are 0 except the forget gate's, 1, so that the cell state is kept early in
// training.
func NewLSTM(in, hidden, steps int, rng *rand.Rand) *LSTM {
	if in <= 0 || hidden <= 0 || steps <= 0 {
		panic(fmt.Sprintf("nn: LSTM in %d, hidden %d, steps %d", in, hidden, steps))
	}
	l := &LSTM{
		Wx:    NewParam("lstm.Wx", in, 4*hidden),
		Wh:    NewParam("lstm.Wh", hidden, 4*hidden),
		B:     NewParam("lstm.b", 1, 4*hidden),
		Steps: steps,
	}
	a := 1 / math.Sqrt(float64(hidden))
	for _, w := range [][]float32{l.Wx.Value.Data, l.Wh.Value.Data} {
		for i := range w {
			w[i] = float32(a * (2*rng.Float64() - 1))
		}
	}
	for j := hidden; j < 2*hidden; j++ {
		l.B.Value.Data[j] = 1
	}
	return l
}

// In returns the input width.
func (l *LSTM) In() int { return l.Wx.Value.Rows }

// Hidden returns the hidden width H.
func (l *LSTM) Hidden() int { return l.Wh.Value.Rows }

// Params returns Wx, Wh and B.
func (l *LSTM) Params() []*Param { return []*Param{l.Wx, l.Wh, l.B} }

func (l *LSTM) floor() float32 {
	if l.KeepSubnormals {
		return 0
	}
	return subnormalFloor
}

// batchOf returns the batch size of a time-major input with rows rows.
func (l *LSTM) batchOf(rows int) int {
	if l.Steps <= 0 || rows%l.Steps != 0 || rows == 0 {
		panic(fmt.Sprintf("nn: LSTM input has %d rows, not a positive multiple of %d steps", rows, l.Steps))
	}
	return rows / l.Steps
}

// Forward runs the layer over x, (Steps*B) x In, time-major.
func (l *LSTM) Forward(x *Mat) *Mat {
	if x.Cols != l.In() {
		panic(fmt.Sprintf("nn: LSTM input has %d columns, want %d", x.Cols, l.In()))
	}
	T, H, B := l.Steps, l.Hidden(), l.batchOf(x.Rows)
	G := 4 * H
	l.x = x
	l.gates = grow(l.gates, T*B*G)
	l.cells = grow(l.cells, T*B*H)
	l.tcells = grow(l.tcells, T*B*H)
	l.hs = reuse(l.hs, T*B, H)
	be := defaultBackend

	bias := l.B.Value.Data
	for r := range T * B {
		copy(l.gates[r*G:(r+1)*G], bias)
	}
	be.Sgemm(false, false, T*B, G, l.In(), 1, x.Data, x.Cols, l.Wx.Value.Data, G, 1, l.gates, G)

	floor := l.floor()
	for t := range T {
		g := l.gates[t*B*G : (t+1)*B*G]
		var cprev []float32
		if t > 0 {
			be.Sgemm(false, false, B, G, H, 1, l.hs.Data[(t-1)*B*H:t*B*H], H, l.Wh.Value.Data, G, 1, g, G)
			cprev = l.cells[(t-1)*B*H : t*B*H]
		}
		c, tc, h := l.cells[t*B*H:(t+1)*B*H], l.tcells[t*B*H:(t+1)*B*H], l.hs.Data[t*B*H:(t+1)*B*H]
		parallelFor(B, B*H, func(lo, hi int) {
			cellForward(g[lo*G:hi*G], part(cprev, lo*H, hi*H), c[lo*H:hi*H], tc[lo*H:hi*H], h[lo*H:hi*H], H, floor)
		})
	}
	if l.ReturnSequence {
		return l.hs
	}
	l.last = Mat{Rows: B, Cols: H, Data: l.hs.Data[(T-1)*B*H:]}
	return &l.last
}

// cellForward activates one step's gates in place and writes the new cell
// state c, tanh(c) and hidden state h. cprev is nil at the first step.
func cellForward(gates, cprev, c, tc, h []float32, H int, floor float32) {
	G := 4 * H
	for b := range len(c) / H {
		row := gates[b*G : (b+1)*G]
		gi, gf, gg, gO := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:G]
		cb, tcb, hb := c[b*H:(b+1)*H], tc[b*H:(b+1)*H], h[b*H:(b+1)*H]
		var cp []float32
		if cprev != nil {
			cp = cprev[b*H : (b+1)*H]
		}
		for j := cellForwardRow(gi, gf, gg, gO, cp, cb, tcb, hb, floor); j < H; j++ {
			i, f, g, o := sigmoidf(gi[j]), sigmoidf(gf[j]), tanhSig(gg[j]), sigmoidf(gO[j])
			gi[j], gf[j], gg[j], gO[j] = i, f, g, o
			cv := i * g
			if cp != nil {
				cv += f * cp[j]
			}
			cv = flush(cv, floor)
			tcv := tanhSig(cv)
			cb[j], tcb[j] = cv, tcv
			hb[j] = flush(o*tcv, floor)
		}
	}
}

// Backward runs back through time. dy is (Steps*B) x H with ReturnSequence
// and B x H without. It accumulates the parameter gradients and returns
// dx, (Steps*B) x In.
func (l *LSTM) Backward(dy *Mat) *Mat {
	T, H := l.Steps, l.Hidden()
	B := l.x.Rows / T
	G := 4 * H
	if l.ReturnSequence {
		sameShape("LSTM backward", dy, l.hs)
	} else {
		sameShape("LSTM backward", dy, &l.last)
	}
	l.dgates = grow(l.dgates, T*B*G)
	l.dh = grow(l.dh, B*H)
	l.dc = grow(l.dc, B*H)
	clear(l.dh)
	clear(l.dc)
	be := defaultBackend

	floor := l.floor()
	for t := T - 1; t >= 0; t-- {
		s := t * B * H
		var dyt, cprev []float32
		switch {
		case l.ReturnSequence:
			dyt = dy.Data[s : s+B*H]
		case t == T-1:
			dyt = dy.Data
		}
		if t > 0 {
			cprev = l.cells[s-B*H : s]
		}
		g, dg, tc := l.gates[t*B*G:(t+1)*B*G], l.dgates[t*B*G:(t+1)*B*G], l.tcells[s:s+B*H]
		parallelFor(B, B*H, func(lo, hi int) {
			cellBackward(g[lo*G:hi*G], part(cprev, lo*H, hi*H), tc[lo*H:hi*H], part(dyt, lo*H, hi*H),
				l.dh[lo*H:hi*H], l.dc[lo*H:hi*H], dg[lo*G:hi*G], H, floor)
		})
		if t > 0 {
			be.Sgemm(false, true, B, H, G, 1, dg, G, l.Wh.Value.Data, G, 0, l.dh, H)
		}
	}

	if T > 1 {
		be.Sgemm(true, false, H, G, (T-1)*B, 1, l.hs.Data, H, l.dgates[B*G:], G, 1, l.Wh.Grad.Data, G)
	}
	in := l.In()
	be.Sgemm(true, false, in, G, T*B, 1, l.x.Data, in, l.dgates, G, 1, l.Wx.Grad.Data, G)
	db := l.B.Grad.Data[:G]
	for r := range T * B {
		for j, v := range l.dgates[r*G : (r+1)*G] {
			db[j] += v
		}
	}
	l.dx = reuse(l.dx, T*B, in)
	be.Sgemm(false, true, T*B, in, G, 1, l.dgates, G, l.Wx.Value.Data, G, 0, l.dx.Data, in)
	return l.dx
}

// cellBackward computes one step's gate pre-activation gradients dg from
// the incoming hidden gradient dh (+ dy when not nil) and the cell gradient
// carried in dc, which it replaces by the gradient for the previous step.
func cellBackward(gates, cprev, tc, dy, dh, dc, dg []float32, H int, floor float32) {
	G := 4 * H
	for b := range len(dh) / H {
		row, drow := gates[b*G:(b+1)*G], dg[b*G:(b+1)*G]
		gi, gf, gg, gO := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:G]
		di, df, dgg, do := drow[:H], drow[H:2*H], drow[2*H:3*H], drow[3*H:G]
		tcb, dhb, dcb := tc[b*H:(b+1)*H], dh[b*H:(b+1)*H], dc[b*H:(b+1)*H]
		var dyb, cp []float32
		if dy != nil {
			dyb = dy[b*H : (b+1)*H]
		}
		if cprev != nil {
			cp = cprev[b*H : (b+1)*H]
		}
		for j := range H {
			d := dhb[j]
			if dyb != nil {
				d += dyb[j]
			}
			i, f, g, o, tcv := gi[j], gf[j], gg[j], gO[j], tcb[j]
			dcv := flush(dcb[j]+d*o*(1-tcv*tcv), floor)
			var cpv float32
			if cp != nil {
				cpv = cp[j]
			}
			di[j] = flush(dcv*g*i*(1-i), floor)
			df[j] = flush(dcv*cpv*f*(1-f), floor)
			dgg[j] = flush(dcv*i*(1-g*g), floor)
			do[j] = flush(d*tcv*o*(1-o), floor)
			dcb[j] = flush(dcv*f, floor)
		}
	}
}

// grow returns s resliced to n values, reallocating when it is too small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
