package diagnose

import (
	"math"
	"math/rand/v2"
)

// mlpConfig sets up the classifier of C2ST; every field must be set.
type mlpConfig struct {
	hidden, epochs, batch int
	rate, decay           float64 // Adam step size; L2 penalty on weights
}

// mlp is a binary classifier with one ReLU hidden layer,
//
//	P(y = 1 | x) = sigmoid(w2 . relu(W1 x + b1) + b2),
//
// trained by Adam on the mean cross-entropy plus decay/2 |W|^2. Its
// parameters live in one slice: W1 (h x d, row-major), b1 (h), w2 (h), b2.
type mlp struct {
	d, h  int
	theta []float64
}

func newMLP(d, h int, rng *rand.Rand) *mlp {
	n := &mlp{d: d, h: h, theta: make([]float64, h*d+2*h+1)}
	w1, _, w2, _ := n.parts(n.theta)
	for i := range w1 {
		w1[i] = rng.NormFloat64() * math.Sqrt(2/float64(d)) // He initialization
	}
	for i := range w2 {
		w2[i] = rng.NormFloat64() * math.Sqrt(1/float64(h))
	}
	return n
}

// parts splits a parameter-shaped slice into W1, b1, w2 and b2.
func (n *mlp) parts(v []float64) (w1, b1, w2 []float64, b2 *float64) {
	hd := n.h * n.d
	return v[:hd], v[hd : hd+n.h], v[hd+n.h : hd+2*n.h], &v[hd+2*n.h]
}

// logit returns the pre-sigmoid output for x, leaving the hidden
// pre-activations in z (length h).
func (n *mlp) logit(x, z []float64) float64 {
	w1, b1, w2, b2 := n.parts(n.theta)
	out := *b2
	for k := range n.h {
		s := b1[k]
		for j, v := range x {
			s += w1[k*n.d+j] * v
		}
		z[k] = s
		out += w2[k] * math.Max(s, 0)
	}
	return out
}

// train fits the network to flat rows x (N x d) with labels y in {0, 1}.
func (n *mlp) train(x []float64, y []bool, cfg mlpConfig, rng *rand.Rand) {
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	grad := make([]float64, len(n.theta))
	mom, vel := make([]float64, len(n.theta)), make([]float64, len(n.theta))
	z := make([]float64, n.h)
	gw1, gb1, gw2, gb2 := n.parts(grad)
	_, _, w2, _ := n.parts(n.theta)
	order := rng.Perm(len(y))
	step := 0
	for range cfg.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for start := 0; start < len(order); start += cfg.batch {
			batch := order[start:min(start+cfg.batch, len(order))]
			clear(grad)
			for _, i := range batch {
				xi := x[i*n.d : (i+1)*n.d]
				delta := sigmoid(n.logit(xi, z)) // d loss / d logit = p - y
				if y[i] {
					delta--
				}
				delta /= float64(len(batch))
				*gb2 += delta
				for k, zk := range z {
					if zk <= 0 {
						continue
					}
					gw2[k] += delta * zk
					dz := delta * w2[k]
					gb1[k] += dz
					for j, v := range xi {
						gw1[k*n.d+j] += dz * v
					}
				}
			}
			n.addDecay(grad, cfg.decay)
			step++
			c1, c2 := 1-math.Pow(beta1, float64(step)), 1-math.Pow(beta2, float64(step))
			for i, g := range grad {
				mom[i] = beta1*mom[i] + (1-beta1)*g
				vel[i] = beta2*vel[i] + (1-beta2)*g*g
				n.theta[i] -= cfg.rate * (mom[i] / c1) / (math.Sqrt(vel[i]/c2) + eps)
			}
		}
	}
}

// addDecay adds the gradient of decay/2 |W|^2 (weights, not biases).
func (n *mlp) addDecay(grad []float64, decay float64) {
	w1, _, w2, _ := n.parts(n.theta)
	gw1, _, gw2, _ := n.parts(grad)
	for i, w := range w1 {
		gw1[i] += decay * w
	}
	for i, w := range w2 {
		gw2[i] += decay * w
	}
}

func sigmoid(t float64) float64 { return 1 / (1 + math.Exp(-t)) }
