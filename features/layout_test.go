package features

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var defaultNames = []string{
	"rest_mean", "rest_sd",
	"step1_steady", "step1_tau", "step1_ncross", "step1_latency",
	"step2_steady", "step2_tau", "step2_ncross", "step2_latency",
	"step3_steady", "step3_tau", "step3_ncross", "step3_latency",
	"step4_steady", "step4_tau", "step4_ncross", "step4_latency",
	"post_level", "v_mean", "v_sd", "v_skew", "v_kurt",
}

func TestLayoutNames(t *testing.T) {
	t.Parallel()
	l, err := NewLayout(staircase(1), 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Names(); !slices.Equal(got, defaultNames) {
		t.Errorf("names %v, want %v", got, defaultNames)
	}
	ls, err := NewLayout(staircase(1), 1, Options{Spiking: true})
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(defaultNames), "spike_count", "isi_mean", "isi_cv",
		"step1_spikes", "step2_spikes", "step3_spikes", "step4_spikes")
	if got := ls.Names(); !slices.Equal(got, want) || ls.Len() != 30 {
		t.Errorf("spiking names %v, want %v", got, want)
	}
	// Without a zero-current start there is no rest and no post level.
	stim := staircase(1)[50:]
	l, _ = NewLayout(stim, 1, Options{})
	if got := l.Names(); got[0] != "step0_steady" || slices.Contains(got, "post_level") || l.Len() != 4*4+4 {
		t.Errorf("no rest: names %v", got)
	}
}

func TestComputeRC(t *testing.T) {
	t.Parallel()
	const (
		e, r, tau = -65.0, 10.0, 10.0 // rest mV, mV per uA/cm2, ms
		levelTol  = 0.5               // mV, 1 mV noise averaged over >= 30 samples
		tauTol    = 0.3               // relative, single noisy trace (smallest step 5 mV)
		sdTol     = 0.25              // rest sd from 50 samples of unit noise
	)
	for _, dt := range []float64{1, 0.25} {
		stim := staircase(dt)
		l, err := NewLayout(stim, dt, Options{})
		if err != nil {
			t.Fatal(err)
		}
		v := rcTrace(stim, dt, e, r, tau, 1, rand.New(rand.NewPCG(13, 14)))
		// post_level includes the decay back to rest: the mean of the clean
		// final epoch minus rest.
		clean := rcTrace(stim, dt, e, r, tau, 0, nil)
		post, _ := MeanSD(clean[int(500/dt):])
		out := make([]float64, l.Len())
		if err := l.Compute(v, out); err != nil {
			t.Fatal(err)
		}
		f := map[string]float64{}
		for i, n := range l.Names() {
			f[n] = out[i]
		}
		checks := []struct {
			name      string
			want, tol float64
		}{
			{"rest_mean", e, levelTol}, {"rest_sd", 1, sdTol},
			{"step1_steady", e + 5, levelTol}, {"step2_steady", e + 10, levelTol},
			{"step3_steady", e + 15, levelTol}, {"step4_steady", e, levelTol},
			{"step1_tau", tau, tauTol * tau}, {"step2_tau", tau, tauTol * tau},
			{"step3_tau", tau, tauTol * tau}, {"step4_tau", tau, tauTol * tau},
			{"post_level", post - e, levelTol},
			// -50 mV never reaches -45: no crossings, latency = epoch length.
			{"step3_ncross", 0, 0}, {"step3_latency", 150, 0},
		}
		for _, c := range checks {
			if math.Abs(f[c.name]-c.want) > c.tol {
				t.Errorf("dt=%v %s = %v, want %v +- %v", dt, c.name, f[c.name], c.want, c.tol)
			}
		}
	}
}

func TestComputeCrossings(t *testing.T) {
	t.Parallel()
	// A cell that jumps up 30 mV 7 ms into step 2 and stays up.
	stim := staircase(1)
	l, _ := NewLayout(stim, 1, Options{Spiking: true})
	v := rcTrace(stim, 1, -65, 10, 5, 0, nil)
	for i := 207; i < len(v); i++ {
		v[i] += 30
	}
	out := make([]float64, l.Len())
	if err := l.Compute(v, out); err != nil {
		t.Fatal(err)
	}
	names := l.Names()
	get := func(n string) float64 { return out[slices.Index(names, n)] }
	if get("step1_ncross") != 0 || get("step2_ncross") != 1 || get("step3_ncross") != 0 {
		t.Errorf("crossings %v %v %v, want 0 1 0", get("step1_ncross"), get("step2_ncross"), get("step3_ncross"))
	}
	frac := (DefaultThreshold - v[206]) / (v[207] - v[206])
	if got, want := get("step2_latency"), 6+frac; math.Abs(got-want) > latencyTol {
		t.Errorf("step2 latency %v, want %v", got, want)
	}
	if get("post_level") < 25 {
		t.Errorf("post_level %v, want the cell to stay up", get("post_level"))
	}
	if get("spike_count") != 0 || get("isi_mean") != 600 || get("isi_cv") != 0 {
		t.Errorf("spikes %v %v %v, want fallbacks 0 600 0", get("spike_count"), get("isi_mean"), get("isi_cv"))
	}
}

func TestComputeSpikes(t *testing.T) {
	t.Parallel()
	// A spike (reset from -40 to -65 mV) every 20 ms in step 2, every 10 ms in step 3.
	stim := staircase(1)
	l, _ := NewLayout(stim, 1, Options{Spiking: true})
	v := make([]float64, len(stim))
	var times []float64
	for i := range v {
		v[i] = -65
		if (i >= 200 && i < 350 && i%20 == 0) || (i >= 350 && i < 500 && i%10 == 0) {
			v[i-1] = -40
			times = append(times, float64(i))
		}
	}
	out := make([]float64, l.Len())
	if err := l.Compute(v, out); err != nil {
		t.Fatal(err)
	}
	names := l.Names()
	get := func(n string) float64 { return out[slices.Index(names, n)] }
	mean, cv := ISIStats(times, 600)
	if get("spike_count") != float64(len(times)) || get("isi_mean") != mean || get("isi_cv") != cv {
		t.Errorf("spikes %v %v %v, want %v %v %v", get("spike_count"), get("isi_mean"), get("isi_cv"), len(times), mean, cv)
	}
	if get("step1_spikes") != 0 || get("step2_spikes") != 8 || get("step3_spikes") != 15 || get("step4_spikes") != 0 {
		t.Errorf("spikes per step %v %v %v %v, want 0 8 15 0",
			get("step1_spikes"), get("step2_spikes"), get("step3_spikes"), get("step4_spikes"))
	}
}

func TestComputeFinite(t *testing.T) {
	t.Parallel()
	stim := staircase(1)
	l, _ := NewLayout(stim, 1, Options{Spiking: true})
	rng := rand.New(rand.NewPCG(15, 16))
	out := make([]float64, l.Len())
	traces := map[string]func(i int) float64{
		"constant": func(int) float64 { return -65 },
		"walk":     func(i int) float64 { return -65 + 10*rng.NormFloat64()*math.Sqrt(float64(i)) },
		"huge":     func(i int) float64 { return 1e300 * rng.NormFloat64() },
		"square":   func(i int) float64 { return float64(i%2) * 100 },
		"tiny":     func(i int) float64 { return -65 + 1e-12*float64(i%3) },
	}
	for name, gen := range traces {
		v := make([]float64, len(stim))
		for i := range v {
			v[i] = gen(i)
		}
		if err := l.Compute(v, out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, x := range out {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("%s: feature %s = %v", name, l.Names()[i], x)
			}
		}
	}
}

func TestComputeAllocs(t *testing.T) {
	stim := staircase(1)
	l, _ := NewLayout(stim, 1, Options{Spiking: true})
	v := rcTrace(stim, 1, -65, 10, 10, 1, rand.New(rand.NewPCG(17, 18)))
	out := make([]float64, l.Len())
	if n := testing.AllocsPerRun(10, func() { _ = l.Compute(v, out) }); n != 0 {
		t.Errorf("Compute allocates %v times", n)
	}
}

func TestLayoutErrors(t *testing.T) {
	t.Parallel()
	stim := staircase(1)
	for name, c := range map[string]struct {
		stim []float64
		dt   float64
		opts Options
	}{
		"empty":      {nil, 1, Options{}},
		"nan stim":   {[]float64{0, math.NaN()}, 1, Options{}},
		"dt 0":       {stim, 0, Options{}},
		"dt < 0":     {stim, -1, Options{}},
		"dt nan":     {stim, math.NaN(), Options{}},
		"dt inf":     {stim, math.Inf(1), Options{}},
		"hysteresis": {stim, 1, Options{Hysteresis: -1}},
		"fraction":   {stim, 1, Options{SteadyFraction: 1.5}},
		"threshold":  {stim, 1, Options{Threshold: math.NaN()}},
		"drop":       {stim, 1, Options{SpikeDrop: -3}},
	} {
		if _, err := NewLayout(c.stim, c.dt, c.opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}

	l, _ := NewLayout(stim, 1, Options{})
	v := make([]float64, len(stim))
	out := make([]float64, l.Len())
	if err := l.Compute(v[:599], out); err == nil {
		t.Error("short trace: no error")
	}
	if err := l.Compute(v, out[:3]); err == nil {
		t.Error("short output: no error")
	}
	for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
		v[123] = bad
		if err := l.Compute(v, out); err == nil {
			t.Errorf("trace with %v: no error", bad)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	for _, spiking := range []bool{false, true} {
		name := "default"
		if spiking {
			name = "spiking"
		}
		b.Run(name, func(b *testing.B) {
			stim := staircase(1)
			l, _ := NewLayout(stim, 1, Options{Spiking: spiking})
			v := rcTrace(stim, 1, -65, 10, 10, 1, rand.New(rand.NewPCG(19, 20)))
			out := make([]float64, l.Len())
			b.ReportAllocs()
			for b.Loop() {
				if err := l.Compute(v, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestLayoutRestOnly(t *testing.T) {
	t.Parallel()
	l, err := NewLayout(make([]float64, 100), 1, Options{Spiking: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"rest_mean", "rest_sd", "v_mean", "v_sd", "v_skew", "v_kurt", "spike_count", "isi_mean", "isi_cv"}
	if got := l.Names(); !slices.Equal(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
	out := make([]float64, l.Len())
	if err := l.Compute(make([]float64, 100), out); err != nil {
		t.Fatal(err)
	}
}

func TestComputePriorDraws(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 300 LAA traces")
	}
	t.Parallel()
	const draws = 300
	stim := staircase(1)
	l, _ := NewLayout(stim, 1, Options{})
	names := l.Names()
	rng := rand.New(rand.NewPCG(27, 28))
	logn := func(mu, sd float64) float64 { return mu * math.Exp(sd*rng.NormFloat64()) }
	out := make([]float64, l.Len())
	var active, stayUp int
	for range draws {
		v := laaTrace(stim, 1, logn(1, 0.3), logn(0.1, 0.3), -65+3*rng.NormFloat64(),
			logn(6, 0.5), -50+4*rng.NormFloat64(), rng)
		if err := l.Compute(v, out); err != nil {
			t.Fatal(err)
		}
		crossed := false
		for i, n := range names {
			x := out[i]
			ok := !math.IsNaN(x) && !math.IsInf(x, 0)
			switch {
			case strings.HasSuffix(n, "_tau"):
				ok = ok && (x == 0 || (x >= 0.1 && x <= 150))
			case strings.HasSuffix(n, "_latency"):
				ok = ok && x >= 0 && x <= 150
			case strings.HasSuffix(n, "_ncross"):
				ok = ok && x >= 0
				crossed = crossed || x > 0
			}
			if !ok {
				t.Errorf("feature %s = %v out of range", n, x)
			}
		}
		if crossed {
			active++
		}
		if out[slices.Index(names, "post_level")] > 10 {
			stayUp++
		}
	}
	t.Logf("%d draws: %.2f cross %v mV, %.2f stay up after the stimulus",
		draws, float64(active)/draws, DefaultThreshold, float64(stayUp)/draws)
}
