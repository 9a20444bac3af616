package diagnose

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
)

// TestPSISMatchesArviz compares k-hat and the smoothed weights with ArviZ's
// psislw on the fixtures of testdata/psis_arviz.py.
func TestPSISMatchesArviz(t *testing.T) {
	t.Parallel()
	const (
		khatTol = 1e-9 // the same arithmetic up to summation order
		lwTol   = 1e-9
	)
	raw, err := os.ReadFile("testdata/psis_arviz.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Cases []struct {
			Name       string    `json:"name"`
			LogRatios  []float64 `json:"log_ratios"`
			KHat       float64   `json:"k_hat"`
			LogWeights []float64 `json:"log_weights"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) == 0 {
		t.Fatal("no fixtures")
	}
	for _, c := range fx.Cases {
		r, err := PSIS(c.LogRatios)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if math.Abs(r.KHat-c.KHat) > khatTol {
			t.Errorf("%s: k-hat %.12g, arviz %.12g", c.Name, r.KHat, c.KHat)
		}
		var worst float64
		for i, v := range r.LogWeights {
			worst = math.Max(worst, math.Abs(v-c.LogWeights[i]))
		}
		if worst > lwTol {
			t.Errorf("%s: smoothed log weights differ from arviz's by up to %g", c.Name, worst)
		}
	}
}

// TestPSISWideProposal: a proposal wider than the target gives bounded
// weights, a low k-hat, and weighted means equal to the target's.
func TestPSISWideProposal(t *testing.T) {
	t.Parallel()
	const (
		S          = 4000
		mu, sd     = 1.0, 0.5 // target N(mu, sd^2)
		propSD     = 2.0      // proposal N(0, propSD^2)
		maxKHat    = 0.5
		minESSFrac = 0.2
		meanTol    = 0.05 // 5 sd of the weighted mean's Monte Carlo error (about sd/sqrt(ESS) = 0.01)
		sdTol      = 0.05
	)
	rng := rand.New(rand.NewPCG(31, 0))
	x := make([]float64, S)
	logw := make([]float64, S)
	for i := range x {
		x[i] = propSD * rng.NormFloat64()
		logw[i] = logNormal(x[i], mu, sd) - logNormal(x[i], 0, propSD) + 7 // an unnormalized target
	}
	r, err := PSIS(logw)
	if err != nil {
		t.Fatal(err)
	}
	if r.KHat > maxKHat || !r.Reliable() || r.Warning != "" {
		t.Errorf("k-hat %.3f (threshold %.3f, warning %q), want <= %g", r.KHat, r.Threshold, r.Warning, maxKHat)
	}
	if r.ESS < minESSFrac*S || r.ESS > S {
		t.Errorf("ESS %.0f of %d draws", r.ESS, S)
	}
	var m, m2, sum float64
	for i, w := range r.Weights {
		m += w * x[i]
		m2 += w * x[i] * x[i]
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v", sum)
	}
	if s := math.Sqrt(m2 - m*m); math.Abs(m-mu) > meanTol || math.Abs(s-sd) > sdTol {
		t.Errorf("weighted mean %.4f sd %.4f, want %g and %g", m, s, mu, sd)
	}
}

// TestPSISKnownTail: weights whose tail is a generalized Pareto of shape xi
// give k-hat near xi, averaged over replicates (one k-hat from 4,000 draws
// has sd about 0.1).
func TestPSISKnownTail(t *testing.T) {
	t.Parallel()
	const (
		S, reps = 4000, 20
		tol     = 0.08 // about 3 sd of the mean of 20 k-hats
	)
	rng := rand.New(rand.NewPCG(32, 0))
	narrow := math.Sqrt(0.5) // proposal N(0, 1/2) for a N(0, 1) target: w ~ exp(x^2/2), tail shape 1 - 1/2
	for _, c := range []struct {
		name string
		xi   float64
		draw func() float64
	}{
		{"gpd 0.5", 0.5, func() float64 { return math.Log(gpdQuantile(rng.Float64(), 0.5, 1)) }},
		{"gpd 0.9", 0.9, func() float64 { return math.Log(gpdQuantile(rng.Float64(), 0.9, 2)) }},
		{"narrow normal proposal", 0.5, func() float64 {
			x := narrow * rng.NormFloat64()
			return logNormal(x, 0, 1) - logNormal(x, 0, narrow)
		}},
	} {
		var mean float64
		for range reps {
			logw := make([]float64, S)
			for i := range logw {
				logw[i] = c.draw()
			}
			r, err := PSIS(logw)
			if err != nil {
				t.Fatal(err)
			}
			mean += r.KHat / reps
		}
		if math.Abs(mean-c.xi) > tol {
			t.Errorf("%s: mean k-hat %.3f, want %g +- %g", c.name, mean, c.xi, tol)
		}
	}
}

// TestPSISProperties: smoothing keeps the order of the weights, leaves zero weights at zero and
// reports k-hat above the threshold for a very heavy tail. (Truncation at
// the largest raw weight is checked against arviz in TestPSISMatchesArviz.)
func TestPSISProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(33, 0))
	const S = 1000
	logw := make([]float64, S)
	for i := range logw {
		logw[i] = math.Log(gpdQuantile(rng.Float64(), 1.5, 1))
	}
	logw[3] = math.Inf(-1)
	r, err := PSIS(logw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Reliable() || r.Warning == "" || r.KHat < 1 {
		t.Errorf("tail of shape 1.5: k-hat %.3f, reliable %v, warning %q", r.KHat, r.Reliable(), r.Warning)
	}
	if r.TailLength != int(math.Ceil(3*math.Sqrt(S))) {
		t.Errorf("tail length %d, want ceil(3 sqrt(S))", r.TailLength)
	}
	if r.Weights[3] != 0 {
		t.Errorf("a -Inf log ratio got weight %g", r.Weights[3])
	}
	idx := make([]int, S)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return logw[idx[a]] < logw[idx[b]] })
	for z := 1; z < S; z++ {
		if r.LogWeights[idx[z]] < r.LogWeights[idx[z-1]] {
			t.Fatalf("smoothing changed the order of weights %d and %d", idx[z-1], idx[z])
		}
	}
	var sum float64
	for _, w := range r.Weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v", sum)
	}
}

func TestPSISThreshold(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    int
		want float64
	}{{100, 0.5}, {1000, 1 - 1.0/3}, {1e6, 0.7}} {
		if got := PSISThreshold(c.s); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("threshold(%d) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestPSISErrors(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	for _, lw := range [][]float64{nil, {1}, {1, math.NaN(), 2}, {0, inf}, {-inf, -inf, -inf}} {
		if _, err := PSIS(lw); err == nil {
			t.Errorf("PSIS(%v): no error", lw)
		}
	}
	// Too short a tail: no smoothing, k-hat +Inf, weights still normalized.
	r, err := PSIS([]float64{0, 1, 2, 3})
	if err != nil || !math.IsInf(r.KHat, 1) || r.Reliable() {
		t.Errorf("4 draws: %+v, %v", r, err)
	}
}

// logNormal is the log density of N(mu, sd^2) at x.
func logNormal(x, mu, sd float64) float64 {
	z := (x - mu) / sd
	return -0.5*z*z - math.Log(sd) - 0.5*math.Log(2*math.Pi)
}
