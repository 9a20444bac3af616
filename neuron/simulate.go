package neuron

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// BlockSize is the number of trajectories integrated in lockstep: their
// states live in parallel arrays (structure of arrays) so the RK4 stages run
// as tight loops over contiguous memory.
const BlockSize = 32

// MaxAbsVoltageMV bounds the recorded voltage, observation noise
// included: a trace with a value beyond +-1e6 mV (a kilovolt), or not
// finite, is an error (TraceError). Such a trace comes only from parameters
// outside any physical range or an unstable step; the bound also keeps
// traces and their statistics (squares included) inside the float32 that
// data sets store, where larger values would become +-Inf.
const MaxAbsVoltageMV = 1e6

// ErrTraceOutOfRange is wrapped by every TraceError.
var ErrTraceOutOfRange = errors.New("voltage not finite or beyond MaxAbsVoltageMV")

// TraceError reports a trace whose voltage left the range of
// MaxAbsVoltageMV, and the parameter set that made it.
type TraceError struct {
	Index  int     // the parameter set's index in Simulate's ps; in Generate's errors the simulation index
	Params Params  // the parameter set
	TimeMs float64 // time of the first bad sample, ms
	V      float64 // its value, mV
}

// Error names the value, the time and the parameters.
func (e *TraceError) Error() string {
	return fmt.Sprintf("neuron: voltage %g mV at t = %g ms is not finite or beyond +-MaxAbsVoltageMV = %g mV, for %v", e.V, e.TimeMs, MaxAbsVoltageMV, e.Params)
}

// Unwrap returns ErrTraceOutOfRange.
func (e *TraceError) Unwrap() error { return ErrTraceOutOfRange }

// inRange reports whether v is a voltage Simulate may record.
func inRange(v float64) bool { return math.Abs(v) <= MaxAbsVoltageMV }

// Simulator integrates the LAA model for one configuration. It is safe for
// concurrent use: all per-run state lives on the stack of Simulate.
type Simulator struct {
	cfg            Config
	cur            *Current
	nSamples       int
	stepsPerRecord int
	dt             float64
	// Injected current for RK4 step j on [t, t+dt): just after t, at t+dt/2
	// and just before t+dt, so steps of the stimulus on the dt grid are exact.
	i0, im, i1 []float64
	stim       []float64 // I_ext at the sample times
}

// NewSimulator validates cfg and precomputes the stimulus on the RK4 grid.
func NewSimulator(cfg Config) (*Simulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cur, err := cfg.Stimulus.Compile()
	if err != nil {
		return nil, err
	}
	s := &Simulator{cfg: cfg, cur: cur, nSamples: cfg.NumSamples(), dt: cfg.DtMs,
		stepsPerRecord: int(math.Round(cfg.RecordStepMs / cfg.DtMs))}
	for _, b := range cur.Breaks() {
		if b > 0 && b < cfg.DurationMs {
			if r := b / s.dt; math.Abs(r-math.Round(r)) > 1e-9 {
				return nil, fmt.Errorf("neuron: stimulus changes at %g ms, off the RK4 grid of dt_ms = %g; choose a dt that divides it", b, s.dt)
			}
		}
	}
	steps := (s.nSamples - 1) * s.stepsPerRecord
	s.i0, s.im, s.i1 = make([]float64, steps), make([]float64, steps), make([]float64, steps)
	// Step ends are nudged inward by a tiny fraction of dt: j*dt is not exact
	// in binary (0.1 ms), and a stage must never see the next step's level.
	nudge := 1e-7 * s.dt
	for j := range steps {
		t := float64(j) * s.dt
		s.i0[j] = cur.At(t + nudge)
		s.im[j] = cur.At(t + s.dt/2)
		s.i1[j] = cur.At(t + s.dt - nudge)
	}
	s.stim = make([]float64, s.nSamples)
	for i := range s.stim {
		s.stim[i] = cur.At(float64(i)*cfg.RecordStepMs + nudge)
	}
	return s, nil
}

// Config returns the simulator's configuration.
func (s *Simulator) Config() Config { return s.cfg }

// NumSamples is the number of recorded samples per trace.
func (s *Simulator) NumSamples() int { return s.nSamples }

// Times returns the sample times t_i = i * record_step_ms, i = 0..n-1.
func (s *Simulator) Times() []float64 {
	t := make([]float64, s.nSamples)
	for i := range t {
		t[i] = float64(i) * s.cfg.RecordStepMs
	}
	return t
}

// StimulusAtSamples returns I_ext at the sample times (a copy).
func (s *Simulator) StimulusAtSamples() []float64 { return append([]float64(nil), s.stim...) }

// Current returns the compiled stimulus.
func (s *Simulator) Current() *Current { return s.cur }

// RestingPotential returns the lowest fixed point of the model with
// I_ext = 0: the first root of g_L (V - E_L) = G_act s((V - V_thr)/k) above
// E_L, found by scanning and bisection. It lies in [E_L, E_L + G_act/g_L].
func RestingPotential(p Params) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	f := func(v float64) float64 { return -p.GL*(v-p.EL) + p.Gact*sigmoid((v-p.Vthr)/p.K) }
	hi := p.EL + p.Gact/p.GL
	if p.Gact == 0 {
		return p.EL, nil
	}
	// The scan step resolves the sigmoid (k/8) but never takes more than
	// 100,000 steps, nor falls below the spacing of floats near V.
	step := math.Max(math.Max(math.Min(0.1, p.K/8), (hi-p.EL)/1e5), 4*math.Abs(hi)*0x1p-52)
	lo := p.EL
	for v := p.EL + step; ; v += step {
		if v >= hi {
			// f(hi) = G_act (s - 1) <= 0 up to rounding: hi closes the bracket.
			hi = math.Max(hi, lo)
			break
		}
		if f(v) <= 0 {
			hi = v
			break
		}
		lo = v
	}
	for range 200 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, nil
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Simulate integrates one trajectory per parameter set and writes the
// recorded traces, row after row, into out (len(ps) x NumSamples). With
// rngs == nil the traces are noise free (no intrinsic and no observation
// noise); otherwise rngs[b] supplies trajectory b's noise. A recorded value
// that is not finite or beyond MaxAbsVoltageMV is a *TraceError that names
// the parameter set.
func (s *Simulator) Simulate(ps []Params, rngs []*rand.Rand, out []float64) error {
	n := s.nSamples
	if len(out) != len(ps)*n {
		return fmt.Errorf("neuron: output has %d values, want %d x %d", len(out), len(ps), n)
	}
	if rngs != nil && len(rngs) != len(ps) {
		return fmt.Errorf("neuron: %d random streams for %d parameter sets", len(rngs), len(ps))
	}
	for lo := 0; lo < len(ps); lo += BlockSize {
		hi := min(lo+BlockSize, len(ps))
		var r []*rand.Rand
		if rngs != nil {
			r = rngs[lo:hi]
		}
		if err := s.block(ps[lo:hi], r, out[lo*n:hi*n]); err != nil {
			var te *TraceError
			if errors.As(err, &te) {
				te.Index += lo
			}
			return err
		}
	}
	return nil
}

// block integrates up to BlockSize trajectories in lockstep.
func (s *Simulator) block(ps []Params, rngs []*rand.Rand, out []float64) error {
	var (
		nb                 = len(ps)
		l                  lanes
		sigma              [BlockSize]float64
		k1, k2, k3, k4, k0 [BlockSize]float64 // k0 stays zero
	)
	for b := range BlockSize {
		p := ps[0] // unused lanes repeat lane 0 and are never recorded
		if b < nb {
			p = ps[b]
		}
		rest, err := RestingPotential(p)
		if err != nil {
			return err
		}
		l.v[b], l.invC[b], l.gl[b], l.el[b], l.invK[b], l.vthr[b], l.gact[b] = rest, 1/p.Cm, p.GL, p.EL, 1/p.K, p.Vthr, p.Gact
		sigma[b] = p.SigmaObs
	}
	n := s.nSamples
	record := func(i int) error {
		for b := range nb {
			if !inRange(l.v[b]) {
				return &TraceError{Index: b, Params: ps[b], TimeMs: float64(i) * s.cfg.RecordStepMs, V: l.v[b]}
			}
			out[b*n+i] = l.v[b]
		}
		return nil
	}
	if err := record(0); err != nil {
		return err
	}
	noisy := rngs != nil
	ouOn := noisy && s.cfg.IntrinsicNoise.Enabled && s.cfg.IntrinsicNoise.SD > 0
	var ouDecay, ouKick float64
	if ouOn {
		// Exact OU update over one step; the current is held over the step.
		ouDecay = math.Exp(-s.dt / s.cfg.IntrinsicNoise.TauMs)
		ouKick = s.cfg.IntrinsicNoise.SD * math.Sqrt(1-ouDecay*ouDecay)
		for b := range nb {
			l.ou[b] = s.cfg.IntrinsicNoise.SD * rngs[b].NormFloat64()
		}
	}
	spiking := s.cfg.Spiking.Enabled
	peak, reset := s.cfg.Spiking.PeakMV, s.cfg.Spiking.ResetMV
	h, h2, h6 := s.dt, s.dt/2, s.dt/6
	for j := range s.i0 {
		stage(&l, &k1, &k0, 0, s.i0[j])
		stage(&l, &k2, &k1, h2, s.im[j])
		stage(&l, &k3, &k2, h2, s.im[j])
		stage(&l, &k4, &k3, h, s.i1[j])
		for b := range BlockSize {
			l.v[b] += h6 * (k1[b] + 2*k2[b] + 2*k3[b] + k4[b])
		}
		if spiking {
			for b := range BlockSize {
				if l.v[b] >= peak {
					l.v[b] = reset
				}
			}
		}
		if ouOn {
			for b := range nb {
				l.ou[b] = ouDecay*l.ou[b] + ouKick*rngs[b].NormFloat64()
			}
		}
		if (j+1)%s.stepsPerRecord == 0 {
			if err := record((j + 1) / s.stepsPerRecord); err != nil {
				return err
			}
		}
	}
	if noisy {
		for b := range nb {
			row := out[b*n : (b+1)*n]
			for i := range row {
				row[i] += sigma[b] * rngs[b].NormFloat64()
				if !inRange(row[i]) {
					return &TraceError{Index: b, Params: ps[b], TimeMs: float64(i) * s.cfg.RecordStepMs, V: row[i]}
				}
			}
		}
	}
	return nil
}
