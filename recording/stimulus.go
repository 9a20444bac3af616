package recording

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/neuron"
)

// StimulusFromRecording turns the recorded current of p into a
// piecewise-constant neuron.Stimulus (a staircase, the breakpoint list the
// simulator takes) whose changes all fall on the RK4 grid of step dtMs.
//
// Each RK4 step [j dt, (j+1) dt) takes the lower median of the recorded
// samples in it (the last earlier sample when it has none), so a step
// between grid times moves to one of them. Consecutive steps are merged
// into one level while each stays within tol (uA/cm2) of the mean of those
// before it, so the noise of a recorded step protocol does not become
// thousands of tiny steps; 0 merges only equal values, and a slow ramp
// becomes a staircase with steps of about tol. A level is the mean of the
// recorded samples it spans, leaving out its first and last RK4 step (which
// may hold some of the neighbouring level) when it spans three or more.
func StimulusFromRecording(p Prepared, dtMs, tol float64) (neuron.Stimulus, error) {
	if !(dtMs > 0) || math.IsInf(dtMs, 0) {
		return neuron.Stimulus{}, fmt.Errorf("recording: RK4 step %g ms must be positive", dtMs)
	}
	if !(tol >= 0) || math.IsInf(tol, 0) {
		return neuron.Stimulus{}, fmt.Errorf("recording: merge tolerance %g must be >= 0", tol)
	}
	t, x := p.FineTimeMs, p.FineCurrent
	if len(t) == 0 {
		return neuron.Stimulus{}, errors.New("recording: the prepared recording holds no current samples (use Prepare)")
	}
	m := int(math.Round(p.DurationMs / dtMs))
	if m < 1 || math.Abs(p.DurationMs/dtMs-float64(m)) > 1e-9 {
		return neuron.Stimulus{}, fmt.Errorf("recording: RK4 step %s ms must divide the duration %s ms", fmtMs(dtMs), fmtMs(p.DurationMs))
	}
	eps := timeEps * dtMs
	// first[j] is the first sample at or after j dt; first[m] ends the window.
	first := make([]int, m+1)
	for j := range first {
		first[j] = sort.SearchFloat64s(t, float64(j)*dtMs-eps)
	}
	steps := make([]float64, m)
	var bin []float64
	for j := range steps {
		bin = append(bin[:0], x[first[j]:first[j+1]]...)
		if len(bin) == 0 {
			bin = append(bin, x[max(first[j]-1, 0)])
		}
		steps[j] = median(bin)
	}
	s := neuron.Stimulus{Kind: neuron.StimStaircase}
	level := func(j0, j1 int) float64 { // the level of steps [j0, j1)
		if j1-j0 >= 3 {
			j0, j1 = j0+1, j1-1
		}
		if a, b := first[j0], first[j1]; b > a {
			var sum float64
			for _, v := range x[a:b] {
				sum += v
			}
			return sum / float64(b-a)
		}
		var sum float64
		for _, v := range steps[j0:j1] {
			sum += v
		}
		return sum / float64(j1-j0)
	}
	j0, sum := 0, steps[0]
	for j := 1; j <= m; j++ {
		if j < m && math.Abs(steps[j]-sum/float64(j-j0)) <= tol {
			sum += steps[j]
			continue
		}
		s.Times = append(s.Times, float64(j0)*dtMs)
		s.Levels = append(s.Levels, level(j0, j))
		if j < m {
			j0, sum = j, steps[j]
		}
	}
	return s, nil
}

// WriteStimulusFile writes a staircase stimulus as a stimulus file that
// neuron.ReadStimulusFile reads (a header, then "time_ms,current" rows),
// atomically, for a configuration's stimulus {kind: file, file: path}.
func WriteStimulusFile(path string, s neuron.Stimulus) error {
	if s.Kind != neuron.StimStaircase || len(s.Times) == 0 || len(s.Times) != len(s.Levels) {
		return fmt.Errorf("recording: write stimulus %s: want a staircase with as many times as levels", path)
	}
	return atomicfile.Write(path, func(f *os.File) error {
		w := bufio.NewWriter(f)
		fmt.Fprintln(w, "time_ms,current")
		for j := range s.Times {
			fmt.Fprintf(w, "%s,%s\n", strconv.FormatFloat(s.Times[j], 'g', -1, 64), strconv.FormatFloat(s.Levels[j], 'g', -1, 64))
		}
		return w.Flush()
	})
}

// SameProtocol reports whether a prepared current and the model's stimulus
// at the same sample times (neuron.Simulator.StimulusAtSamples) agree
// within tol uA/cm2 everywhere, and the largest difference. Different
// lengths never agree (maxDiff is then +Inf). A network trained on one
// protocol says little about a recording made with another.
func SameProtocol(current, model []float64, tol float64) (same bool, maxDiff float64) {
	if len(current) != len(model) || len(current) == 0 {
		return false, math.Inf(1)
	}
	for i := range current {
		d := math.Abs(current[i] - model[i])
		if math.IsNaN(d) {
			return false, d
		}
		maxDiff = max(maxDiff, d)
	}
	return maxDiff <= tol, maxDiff
}
