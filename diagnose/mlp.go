package diagnose

import (
	"math"
	"math/rand/v2"

	"github.com/laa-neuro/laa/nn"
)

// mlpConfig sets up the classifier of C2ST; every field must be set.
type mlpConfig struct {
	hidden, layers int     // ReLU units per hidden layer, hidden layers
	maxEpochs      int     // passes over the training rows at most
	patience       int     // stop after this many epochs plus one without improvement
	batch          int     // rows per Adam step at most
	rate, alpha    float64 // Adam step size; L2 penalty (sklearn's alpha)
	valFraction    float64 // share of the rows held out for early stopping
	tol            float64 // least validation gain that counts as improvement
}

// mlp is a binary classifier: hidden ReLU layers and a logistic output,
//
//	P(y = 1 | x) = sigmoid(relu(... relu(x W1 + b1) ...) w + b),
//
// trained as scikit-learn's MLPClassifier with the adam solver is: weights
// and biases drawn from U(-a, a), a = sqrt(6/(in+out)); minibatches of the
// rows shuffled every epoch; the gradient of the mean cross-entropy plus
// alpha/2 |W|^2 / batch; early stopping on the accuracy of a stratified
// held-out share of the rows, keeping the best weights seen. It computes in
// float32 on the nn engine's matrix kernels (which run on the calling
// goroutine, so results do not depend on the number of cores).
type mlp struct {
	w, b   []*nn.Param // layer l maps width w[l].Rows to w[l].Cols
	params []*nn.Param // w and b interleaved, for Adam
	act    []*nn.Mat   // act[l] is the input of layer l; act[L] the logits
	delta  []*nn.Mat   // delta[l] is d loss / d (pre-activation output of layer l)
	epochs int         // epochs trained
}

func newMLP(d int, cfg mlpConfig, rng *rand.Rand) *mlp {
	n := &mlp{}
	in := d
	for l := range cfg.layers + 1 {
		out := cfg.hidden
		if l == cfg.layers {
			out = 1
		}
		w, b := nn.NewParam("W", in, out), nn.NewParam("b", 1, out)
		bound := math.Sqrt(6 / float64(in+out))
		for _, v := range [][]float32{w.Value.Data, b.Value.Data} {
			for i := range v {
				v[i] = float32(bound * (2*rng.Float64() - 1))
			}
		}
		n.w, n.b = append(n.w, w), append(n.b, b)
		n.params = append(n.params, w, b)
		in = out
	}
	n.act = make([]*nn.Mat, len(n.w)+1)
	n.delta = make([]*nn.Mat, len(n.w))
	return n
}

// resized returns m as a rows x cols matrix, reusing its storage when large
// enough; the contents are unspecified.
func resized(m *nn.Mat, rows, cols int) *nn.Mat {
	if m == nil || cap(m.Data) < rows*cols {
		return nn.NewMat(rows, cols)
	}
	m.Rows, m.Cols, m.Data = rows, cols, m.Data[:rows*cols]
	return m
}

// logits returns the pre-sigmoid outputs for the rows of x (one column);
// the matrix belongs to the network until its next call.
func (n *mlp) logits(x *nn.Mat) *nn.Mat {
	n.act[0] = x
	last := len(n.w) - 1
	for l, w := range n.w[:last] {
		out := resized(n.act[l+1], x.Rows, w.Value.Cols)
		for i := range out.Rows {
			copy(out.Row(i), n.b[l].Value.Data)
		}
		nn.Gemm(false, false, 1, n.act[l], w.Value, 1, out)
		for i, v := range out.Data {
			out.Data[i] = relu32(v)
		}
		n.act[l+1] = out
	}
	// The output layer has one unit: a dot product per row, not a GEMM.
	in, w, b := n.act[last], n.w[last].Value.Data, n.b[last].Value.Data[0]
	z := resized(n.act[last+1], x.Rows, 1)
	for i := range z.Data {
		z.Data[i] = b + dot32(in.Row(i), w)
	}
	n.act[last+1] = z
	return z
}

// backward sets the gradients from dz, d loss / d logits of the last
// logits call: weight gradients plus decay times the weights.
func (n *mlp) backward(dz *nn.Mat, decay float32) {
	last := len(n.w) - 1
	in, w := n.act[last], n.w[last]
	gw, wv := w.Grad.Data, w.Value.Data
	for j, v := range wv {
		gw[j] = decay * v
	}
	var gb float32
	prev := resized(n.delta[last-1], dz.Rows, len(wv))
	for i, g := range dz.Data {
		gb += g
		row, dp := in.Row(i), prev.Row(i)
		for j, a := range row {
			gw[j] += g * a
			dp[j] = onIf(a, g*wv[j])
		}
	}
	n.b[last].Grad.Data[0] = gb
	n.delta[last-1] = prev
	for l := last - 1; l >= 0; l-- {
		dl, w, b := n.delta[l], n.w[l], n.b[l]
		nn.Gemm(true, false, 1, n.act[l], dl, 0, w.Grad)
		for i, v := range w.Value.Data {
			w.Grad.Data[i] += decay * v
		}
		gb := b.Grad.Data
		clear(gb)
		for i := range dl.Rows {
			for j, v := range dl.Row(i) {
				gb[j] += v
			}
		}
		if l == 0 {
			break
		}
		prev := resized(n.delta[l-1], dl.Rows, w.Value.Rows)
		nn.Gemm(false, true, 1, dl, w.Value, 0, prev)
		for i, a := range n.act[l].Data {
			prev.Data[i] = onIf(a, prev.Data[i])
		}
		n.delta[l-1] = prev
	}
}

// relu32 is max(v, 0) without a branch (ReLU units are on or off at
// random, which defeats branch prediction).
func relu32(v float32) float32 {
	b := math.Float32bits(v)
	return math.Float32frombits(b &^ uint32(int32(b)>>31))
}

// onIf returns g where the ReLU output a (>= 0) is positive and 0 where it
// is 0: the gradient through the unit, without a branch.
func onIf(a, g float32) float32 {
	b := math.Float32bits(a)
	on := uint32(int32(b|-b) >> 31) // all ones when a != 0
	return math.Float32frombits(math.Float32bits(g) & on)
}

func dot32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// accuracy is the share of rows of x whose predicted class, P(y = 1) > 0.5,
// is y.
func (n *mlp) accuracy(x *nn.Mat, y []bool) float64 {
	z := n.logits(x)
	hits := 0
	for i, yi := range y {
		if (z.Data[i] > 0) == yi {
			hits++
		}
	}
	return float64(hits) / float64(len(y))
}

// train fits the network to x (rows of d values) and labels y.
func (n *mlp) train(x *nn.Mat, y []bool, cfg mlpConfig, rng *rand.Rand) {
	tr, va := stratifiedSplit(y, cfg.valFraction, rng)
	tx, ty := gatherRows(x, y, tr)
	vx, vy := gatherRows(x, y, va)
	opt := nn.NewAdam(n.params, cfg.rate)
	batch := min(cfg.batch, len(ty))
	bx := nn.NewMat(batch, x.Cols)
	dz := nn.NewMat(batch, 1)
	best := math.Inf(-1)
	var bestParams [][]float32
	stale := 0
	order := make([]int, len(ty))
	for i := range order {
		order[i] = i
	}
	for epoch := 1; epoch <= cfg.maxEpochs; epoch++ {
		n.epochs = epoch
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for start := 0; start < len(order); start += batch {
			rows := order[start:min(start+batch, len(order))]
			n.step(tx, ty, rows, bx, dz, cfg.alpha, opt)
		}
		if len(vy) == 0 {
			continue
		}
		score := n.accuracy(vx, vy)
		if score < best+cfg.tol {
			stale++
		} else {
			stale = 0
		}
		if score > best {
			best = score
			bestParams = n.snapshot(bestParams)
		}
		if stale > cfg.patience {
			break
		}
	}
	if bestParams != nil {
		for i, p := range n.params {
			copy(p.Value.Data, bestParams[i])
		}
	}
}

// step takes one Adam step on the given training rows.
func (n *mlp) step(x *nn.Mat, y []bool, rows []int, bx, dz *nn.Mat, alpha float64, opt *nn.Adam) {
	bx = resized(bx, len(rows), x.Cols)
	dz = resized(dz, len(rows), 1)
	for i, r := range rows {
		copy(bx.Row(i), x.Row(r))
	}
	z := n.logits(bx)
	inv := 1 / float32(len(rows))
	for i, r := range rows {
		g := 1 / (1 + float32(math.Exp(-float64(z.Data[i])))) // d loss / d logit = p - y
		if y[r] {
			g--
		}
		dz.Data[i] = g * inv
	}
	n.backward(dz, float32(alpha)*inv)
	opt.Step()
}

// snapshot copies the parameter values into dst, allocating it if nil.
func (n *mlp) snapshot(dst [][]float32) [][]float32 {
	if dst == nil {
		dst = make([][]float32, len(n.params))
	}
	for i, p := range n.params {
		dst[i] = append(dst[i][:0], p.Value.Data...)
	}
	return dst
}

// stratifiedSplit holds out ceil(frac N) of the rows, each class in
// proportion to its count, and returns the training and held-out indices.
func stratifiedSplit(y []bool, frac float64, rng *rand.Rand) (train, held []int) {
	nHeld := int(math.Ceil(frac * float64(len(y))))
	var classes [2][]int
	for i, yi := range y {
		classes[boolIndex(yi)] = append(classes[boolIndex(yi)], i)
	}
	want := [2]int{}
	want[0] = int(math.Round(float64(nHeld) * float64(len(classes[0])) / float64(len(y))))
	want[1] = nHeld - want[0]
	for c, idx := range classes {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		k := min(max(want[c], 0), len(idx))
		held = append(held, idx[:k]...)
		train = append(train, idx[k:]...)
	}
	return train, held
}

// gatherRows copies the rows idx of x and their labels.
func gatherRows(x *nn.Mat, y []bool, idx []int) (*nn.Mat, []bool) {
	gx := nn.NewMat(len(idx), x.Cols)
	gy := make([]bool, len(idx))
	for i, r := range idx {
		copy(gx.Row(i), x.Row(r))
		gy[i] = y[r]
	}
	return gx, gy
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
