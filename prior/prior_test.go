package prior_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/laa-neuro/laa/prior"
)

// cases are the distributions the family tests run on: for each family a
// standard one, a far-off scale or location, and a narrow or skewed one.
var cases = []prior.Distribution{
	prior.LogNormal{Median: 1, SigmaLog: 0.3},
	prior.LogNormal{Median: 0.05, SigmaLog: 1},
	prior.LogNormal{Median: 2000, SigmaLog: 0.05},
	prior.Normal{Mu: 0, Sigma: 1},
	prior.Normal{Mu: -3.5, Sigma: 0.2},
	prior.Normal{Mu: 1000, Sigma: 50},
	prior.Uniform{Low: 0, High: 1},
	prior.Uniform{Low: -2, High: 5},
	prior.Uniform{Low: 100, High: 100.5},
	prior.LogUniform{Low: 0.1, High: 10},
	prior.LogUniform{Low: 1e-3, High: 1},
	prior.LogUniform{Low: 2, High: 3},
}

// quantile is the test's own inverse CDF of d at q in (0, 1), written from
// each family's definition (not from the package's code).
func quantile(t *testing.T, d prior.Distribution, q float64) float64 {
	t.Helper()
	z := math.Sqrt2 * math.Erfinv(2*q-1) // standard normal quantile
	switch d := d.(type) {
	case prior.LogNormal:
		return d.Median * math.Exp(d.SigmaLog*z)
	case prior.Normal:
		return d.Mu + d.Sigma*z
	case prior.Uniform:
		return d.Low + (d.High-d.Low)*q
	case prior.LogUniform:
		return math.Exp(math.Log(d.Low) + (math.Log(d.High)-math.Log(d.Low))*q)
	}
	t.Fatalf("no quantile for %T", d)
	return 0
}

// levels spans the support from deep in one tail to deep in the other.
var levels = []float64{1e-12, 1e-9, 1e-6, 1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3, 1 - 1e-6, 1 - 1e-9}

func TestFamilyNames(t *testing.T) {
	want := map[string]prior.Distribution{
		"lognormal":  prior.LogNormal{Median: 1, SigmaLog: 1},
		"normal":     prior.Normal{Mu: 0, Sigma: 1},
		"uniform":    prior.Uniform{Low: 0, High: 1},
		"loguniform": prior.LogUniform{Low: 1, High: 2},
	}
	for name, d := range want {
		if d.Family() != name {
			t.Errorf("%v.Family() = %q, want %q", d, d.Family(), name)
		}
	}
	if got := (prior.LogNormal{Median: 1, SigmaLog: 0.3}).String(); got != "LogNormal(ln 1, 0.3)" {
		t.Errorf("String = %q", got)
	}
}

func TestConstrainInvertsUnconstrain(t *testing.T) {
	for _, d := range cases {
		for _, q := range levels {
			x := quantile(t, d, q)
			if !d.InSupport(x) {
				t.Fatalf("%v: test point %g (level %g) is not in the support", d, x, q)
			}
			u, err := d.Unconstrain(x)
			if err != nil {
				t.Fatalf("%v: Unconstrain(%g): %v", d, x, err)
			}
			if math.IsInf(u, 0) || math.IsNaN(u) {
				t.Fatalf("%v: Unconstrain(%g) = %g", d, x, u)
			}
			if back := d.Constrain(u); math.Abs(back-x) > 1e-12*math.Abs(x) {
				t.Errorf("%v: Constrain(Unconstrain(%.17g)) = %.17g (rel err %.2g)", d, x, back, math.Abs(back-x)/math.Abs(x))
			}
		}
	}
}

// TestUnconstrainIsTheDocumentedMap pins the coordinates the flow and the
// samplers work in, as the package comment writes them.
func TestUnconstrainIsTheDocumentedMap(t *testing.T) {
	logit := func(q float64) float64 { return math.Log(q / (1 - q)) }
	check := func(d prior.Distribution, x, want float64) {
		t.Helper()
		u, err := d.Unconstrain(x)
		if err != nil || math.Abs(u-want) > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("%v: Unconstrain(%g) = %.17g, %v; want %.17g", d, x, u, err, want)
		}
	}
	check(prior.LogNormal{Median: 3, SigmaLog: 0.5}, 7, math.Log(7))
	check(prior.Normal{Mu: 3, Sigma: 0.5}, 7, 7)
	check(prior.Uniform{Low: -2, High: 5}, 3, logit(5.0/7))
	check(prior.LogUniform{Low: 0.1, High: 10}, 2, logit((math.Log(2)+math.Log(10))/math.Log(100)))
	// the centre of a uniform or loguniform maps to 0
	check(prior.Uniform{Low: -2, High: 5}, 1.5, 0)
	check(prior.LogUniform{Low: 0.1, High: 10}, 1, 0)
}

func TestLogJacobianIsFiniteDifference(t *testing.T) {
	const h = 1e-4
	for _, d := range cases {
		// u over the bulk in unconstrained coordinates; beyond |u| = 6 a
		// logistic map's derivative is too small for a difference of
		// values near its edge to resolve to 1e-6.
		var us []float64
		switch d := d.(type) {
		case prior.LogNormal:
			for z := -6.0; z <= 6; z += 0.5 {
				us = append(us, math.Log(d.Median)+d.SigmaLog*z)
			}
		case prior.Normal:
			for z := -6.0; z <= 6; z += 0.5 {
				us = append(us, d.Mu+d.Sigma*z)
			}
		default:
			for u := -6.0; u <= 6; u += 0.25 {
				us = append(us, u)
			}
		}
		for _, u := range us {
			fd := (d.Constrain(u+h) - d.Constrain(u-h)) / (2 * h)
			want := math.Log(math.Abs(fd))
			got := d.LogJacobian(u)
			// log J to 1e-6 relative in J is 1e-6 absolute in log J
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("%v: LogJacobian(%g) = %.12g, finite difference gives %.12g", d, u, got, want)
			}
		}
	}
}

// TestLogJacobianKnownValues checks closed forms at chosen points.
func TestLogJacobianKnownValues(t *testing.T) {
	tests := []struct {
		d    prior.Distribution
		u    float64
		want float64
	}{
		{prior.LogNormal{Median: 1, SigmaLog: 1}, 2.5, 2.5},                    // d exp(u)/du = exp(u)
		{prior.Normal{Mu: 1, Sigma: 3}, 2.5, 0},                                // identity
		{prior.Uniform{Low: -2, High: 6}, 0, math.Log(8 * 0.25)},               // sigmoid'(0) = 1/4
		{prior.Uniform{Low: 0, High: 1}, -800, -800},                           // log sigmoid'(u) -> u far in the tail, no underflow
		{prior.Uniform{Low: 0, High: 1}, 800, -800},                            // and -u at the other end
		{prior.LogUniform{Low: 0.1, High: 10}, 0, math.Log(math.Log(100) / 4)}, // x = 1 at u = 0
	}
	for _, tc := range tests {
		if got := tc.d.LogJacobian(tc.u); math.Abs(got-tc.want) > 1e-12*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%v: LogJacobian(%g) = %.17g, want %.17g", tc.d, tc.u, got, tc.want)
		}
	}
}

// TestDensityIntegratesToOne integrates the density pushed to the
// unconstrained line, exp(LogDensity(Constrain(u)) + LogJacobian(u)), so
// the check covers LogDensity, Constrain and LogJacobian together.
func TestDensityIntegratesToOne(t *testing.T) {
	for _, d := range cases {
		var lo, hi float64
		switch d := d.(type) {
		case prior.LogNormal:
			lo, hi = math.Log(d.Median)-14*d.SigmaLog, math.Log(d.Median)+14*d.SigmaLog
		case prior.Normal:
			lo, hi = d.Mu-14*d.Sigma, d.Mu+14*d.Sigma
		default: // logistic tails: mass beyond |u| = 45 is 2e-20
			lo, hi = -45, 45
		}
		const n = 40000
		step := (hi - lo) / n
		sum := 0.0
		for i := 0; i <= n; i++ {
			u := lo + float64(i)*step
			f := math.Exp(d.LogDensity(d.Constrain(u)) + d.LogJacobian(u))
			if i == 0 || i == n {
				f /= 2
			}
			sum += f
		}
		if got := sum * step; math.Abs(got-1) > 1e-6 {
			t.Errorf("%v: density integrates to %.12g, want 1", d, got)
		}
	}
}

// TestLogDensityKnownValues checks the normalising constants.
func TestLogDensityKnownValues(t *testing.T) {
	lsq2pi := 0.5 * math.Log(2*math.Pi)
	tests := []struct {
		d    prior.Distribution
		x    float64
		want float64
	}{
		{prior.Normal{Mu: 0, Sigma: 1}, 0, -lsq2pi},
		{prior.Normal{Mu: 1, Sigma: 2}, 5, -2 - lsq2pi - math.Log(2)},
		{prior.LogNormal{Median: 1, SigmaLog: 1}, 1, -lsq2pi},
		{prior.LogNormal{Median: 2, SigmaLog: 0.5}, 2 * math.E, -2 - lsq2pi - math.Log(0.5) - math.Log(2*math.E)},
		{prior.Uniform{Low: -2, High: 5}, 0, -math.Log(7)},
		{prior.LogUniform{Low: 0.1, High: 10}, 1, -math.Log(math.Log(100))},
		{prior.LogUniform{Low: 0.1, High: 10}, 5, -math.Log(5) - math.Log(math.Log(100))},
	}
	for _, tc := range tests {
		if got := tc.d.LogDensity(tc.x); math.Abs(got-tc.want) > 1e-12*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%v: LogDensity(%g) = %.17g, want %.17g", tc.d, tc.x, got, tc.want)
		}
	}
}

// draws returns n draws of d from the seeded stream every test here uses.
func draws(d prior.Distribution, n int) []float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = d.Sample(rng)
	}
	return xs
}

func TestSampleMoments(t *testing.T) {
	const n = 200_000
	for _, d := range cases {
		xs := draws(d, n)
		mean := 0.0
		for _, x := range xs {
			mean += x
		}
		mean /= n
		var m2, m4 float64
		for _, x := range xs {
			e := (x - mean) * (x - mean)
			m2 += e
			m4 += e * e
		}
		m2 /= n - 1
		m4 /= n
		seMean := math.Sqrt(d.Variance() / n)
		if math.Abs(mean-d.Mean()) > 5*seMean {
			t.Errorf("%v: sample mean %.8g, Mean() %.8g (%.1f standard errors apart)", d, mean, d.Mean(), math.Abs(mean-d.Mean())/seMean)
		}
		seVar := math.Sqrt((m4 - m2*m2) / n)
		if math.Abs(m2-d.Variance()) > 5*seVar {
			t.Errorf("%v: sample variance %.8g, Variance() %.8g (%.1f standard errors apart)", d, m2, d.Variance(), math.Abs(m2-d.Variance())/seVar)
		}
	}
}

// TestMomentsKnownValues pins Mean and Variance at hand-computed values, so
// a wrong formula cannot hide behind a sample test's tolerance.
func TestMomentsKnownValues(t *testing.T) {
	l100 := math.Log(100)
	tests := []struct {
		d              prior.Distribution
		mean, variance float64
	}{
		{prior.LogNormal{Median: 2, SigmaLog: 1}, 2 * math.Exp(0.5), 4 * (math.E - 1) * math.E},
		{prior.Normal{Mu: -1, Sigma: 3}, -1, 9},
		{prior.Uniform{Low: -2, High: 4}, 1, 3},
		{prior.LogUniform{Low: 0.1, High: 10}, 9.9 / l100, (100-0.01)/(2*l100) - 9.9*9.9/(l100*l100)},
	}
	for _, tc := range tests {
		if got := tc.d.Mean(); math.Abs(got-tc.mean) > 1e-12*math.Abs(tc.mean) {
			t.Errorf("%v: Mean() = %.17g, want %.17g", tc.d, got, tc.mean)
		}
		if got := tc.d.Variance(); math.Abs(got-tc.variance) > 1e-12*tc.variance {
			t.Errorf("%v: Variance() = %.17g, want %.17g", tc.d, got, tc.variance)
		}
	}
}

// TestUnconstrainedSDKnownValues pins the closed forms: the sd of log X
// for a lognormal, sigma for a normal, and the standard logistic's
// pi/sqrt(3) for the logit of a uniform place.
func TestUnconstrainedSDKnownValues(t *testing.T) {
	logistic := math.Pi / math.Sqrt(3)
	tests := []struct {
		d    prior.Distribution
		want float64
	}{
		{prior.LogNormal{Median: 5, SigmaLog: 0.7}, 0.7},
		{prior.Normal{Mu: 5, Sigma: 0.7}, 0.7},
		{prior.Uniform{Low: -3, High: 40}, logistic},
		{prior.LogUniform{Low: 0.01, High: 40}, logistic},
	}
	for _, tc := range tests {
		if got := tc.d.UnconstrainedSD(); math.Abs(got-tc.want) > 1e-15*tc.want {
			t.Errorf("%v: UnconstrainedSD() = %.17g, want %.17g", tc.d, got, tc.want)
		}
	}
}

func TestCentreIsMedian(t *testing.T) {
	const n = 200_000
	for _, d := range cases {
		c := d.Centre()
		below := 0
		for _, x := range draws(d, n) {
			if x < c {
				below++
			}
		}
		if share := float64(below) / n; math.Abs(share-0.5) > 0.005 {
			t.Errorf("%v: %.4f of draws below Centre() = %g, want 0.5", d, share, c)
		}
		if want := quantile(t, d, 0.5); math.Abs(c-want) > 1e-12*math.Abs(want)+1e-300 {
			t.Errorf("%v: Centre() = %.17g, median %.17g", d, c, want)
		}
	}
}

func TestUnconstrainedSD(t *testing.T) {
	const n = 200_000
	for _, d := range cases {
		us := make([]float64, n)
		mean := 0.0
		for i, x := range draws(d, n) {
			u, err := d.Unconstrain(x)
			if err != nil {
				t.Fatalf("%v: draw %d = %g: %v", d, i, x, err)
			}
			us[i] = u
			mean += u
		}
		mean /= n
		ss := 0.0
		for _, u := range us {
			ss += (u - mean) * (u - mean)
		}
		sd := math.Sqrt(ss / (n - 1))
		if want := d.UnconstrainedSD(); math.Abs(sd-want) > 0.02*want {
			t.Errorf("%v: sd of Unconstrain(draws) %.6g, UnconstrainedSD() %.6g", d, sd, want)
		}
	}
}

// TestSampleFormulas pins the draws bit for bit: the LAA demo's data sets
// and every saved seed's numbers depend on these exact formulas, each
// consuming one value of the stream.
func TestSampleFormulas(t *testing.T) {
	const n = 1000
	type formula func(r *rand.Rand) float64
	tests := []struct {
		d    prior.Distribution
		want formula
	}{
		{prior.LogNormal{Median: 0.7, SigmaLog: 0.4}, func(r *rand.Rand) float64 { return 0.7 * math.Exp(0.4*r.NormFloat64()) }},
		{prior.Normal{Mu: -65, Sigma: 3}, func(r *rand.Rand) float64 { return -65 + 3*r.NormFloat64() }},
		{prior.Uniform{Low: -2, High: 5}, func(r *rand.Rand) float64 { return -2 + 7*r.Float64() }},
		{prior.LogUniform{Low: 0.1, High: 10}, func(r *rand.Rand) float64 {
			l, h := math.Log(0.1), math.Log(10)
			return math.Exp(l + (h-l)*r.Float64())
		}},
	}
	for _, tc := range tests {
		got, ref := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
		for i := 0; i < n; i++ {
			a, b := tc.d.Sample(got), tc.want(ref)
			if math.Float64bits(a) != math.Float64bits(b) {
				t.Fatalf("%v: draw %d = %.17g, formula gives %.17g", tc.d, i, a, b)
			}
		}
	}
}

func TestSupportEdges(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		d       prior.Distribution
		in, out []float64
	}{
		{prior.LogNormal{Median: 1, SigmaLog: 1}, []float64{1e-300, 1, 1e300}, []float64{0, -1e-300, -1, inf, -inf, nan}},
		{prior.Normal{Mu: 0, Sigma: 1}, []float64{-1e150, 0, 1e150}, []float64{inf, -inf, nan}},
		{prior.Uniform{Low: -2, High: 5}, []float64{-2, 0, 5}, []float64{math.Nextafter(-2, -3), math.Nextafter(5, 6), -inf, inf, nan}},
		{prior.LogUniform{Low: 0.1, High: 10}, []float64{0.1, 1, 10}, []float64{math.Nextafter(0.1, 0), math.Nextafter(10, 11), 0, -1, inf, nan}},
	}
	for _, tc := range tests {
		for _, x := range tc.in {
			if !tc.d.InSupport(x) {
				t.Errorf("%v: InSupport(%g) = false", tc.d, x)
			}
			if ld := tc.d.LogDensity(x); math.IsInf(ld, 0) || math.IsNaN(ld) {
				t.Errorf("%v: LogDensity(%g) = %g inside the support", tc.d, x, ld)
			}
		}
		for _, x := range tc.out {
			if tc.d.InSupport(x) {
				t.Errorf("%v: InSupport(%g) = true", tc.d, x)
			}
			if math.IsNaN(x) {
				continue
			}
			if ld := tc.d.LogDensity(x); !math.IsInf(ld, -1) {
				t.Errorf("%v: LogDensity(%g) = %g outside the support, want -Inf", tc.d, x, ld)
			}
		}
		lo, hi := tc.d.Support()
		if !tc.d.InSupport(tc.d.Centre()) || lo >= hi {
			t.Errorf("%v: Support() = (%g, %g)", tc.d, lo, hi)
		}
	}
}

func TestUnconstrainOutsideSupportErrors(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		d   prior.Distribution
		bad []float64
	}{
		{prior.LogNormal{Median: 1, SigmaLog: 1}, []float64{0, -1, inf, -inf, nan}},
		{prior.Normal{Mu: 0, Sigma: 1}, []float64{inf, -inf, nan}},
		// the edges of a closed support have no finite image
		{prior.Uniform{Low: -2, High: 5}, []float64{-2, 5, -3, 6, inf, nan}},
		{prior.LogUniform{Low: 0.1, High: 10}, []float64{0.1, 10, 0, -1, 11, inf, nan}},
	}
	for _, tc := range tests {
		for _, x := range tc.bad {
			if u, err := tc.d.Unconstrain(x); err == nil {
				t.Errorf("%v: Unconstrain(%g) = %g, want an error", tc.d, x, u)
			}
		}
	}
}

// TestUnconstrainClamped: values on or beyond an edge get a finite image
// beyond every interior point's, and interior values their plain image.
func TestUnconstrainClamped(t *testing.T) {
	ds := append([]prior.Distribution{
		// narrow or offset bounds, where a nudge relative to the width alone
		// is lost in rounding
		prior.Uniform{Low: 0.5, High: 1},
		prior.Uniform{Low: -2, High: -1},
		prior.Uniform{Low: 1e6, High: 1e6 + 1},
		prior.Uniform{Low: -1e9, High: 1},
		prior.LogUniform{Low: 1, High: 1e9},
		prior.LogUniform{Low: 1e-9, High: 1e-8},
		prior.LogUniform{Low: 1, High: 1.0000001},
	}, cases...)
	for _, d := range ds {
		lo, hi := d.Support()
		uLow, err1 := d.Unconstrain(quantile(t, d, 1e-6))
		uHigh, err2 := d.Unconstrain(quantile(t, d, 1-1e-6))
		if err1 != nil || err2 != nil {
			t.Fatalf("%v: %v %v", d, err1, err2)
		}
		var below, above []float64
		if !math.IsInf(lo, 0) {
			below = []float64{lo, lo - 1, lo - math.Abs(lo) - 1, math.Inf(-1)}
		}
		if !math.IsInf(hi, 0) {
			above = []float64{hi, hi + 1, hi + math.Abs(hi) + 1, math.Inf(1)}
		}
		for _, x := range below {
			if u := prior.UnconstrainClamped(d, x); math.IsNaN(u) || math.IsInf(u, 0) || u > uLow {
				t.Errorf("%v: UnconstrainClamped(%g) = %g, want finite and <= %g", d, x, u, uLow)
			}
		}
		for _, x := range above {
			if u := prior.UnconstrainClamped(d, x); math.IsNaN(u) || math.IsInf(u, 0) || u < uHigh {
				t.Errorf("%v: UnconstrainClamped(%g) = %g, want finite and >= %g", d, x, u, uHigh)
			}
		}
		for _, q := range []float64{1e-6, 0.3, 0.5, 1 - 1e-6} {
			x := quantile(t, d, q)
			want, _ := d.Unconstrain(x)
			if got := prior.UnconstrainClamped(d, x); got != want {
				t.Errorf("%v: UnconstrainClamped(%g) = %g inside the support, Unconstrain gives %g", d, x, got, want)
			}
		}
	}
	if u := prior.UnconstrainClamped(prior.Normal{Mu: 0, Sigma: 1}, math.NaN()); !math.IsNaN(u) {
		t.Errorf("UnconstrainClamped(NaN) = %g, want NaN", u)
	}
}
