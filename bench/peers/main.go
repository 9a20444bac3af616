// Command peers is laa's side of the goals benchmark beside BayesFlow (JAX)
// and PyTorch (run.sh): on a data set written by `laa simulate`, it times
// reading the set (dataset.Read), training the quick preset's model with
// train.Run (samples/s in steady state) and 1,000 posterior draws for one
// trace (npe.Model.Sample), and prints JSON with the same fields as
// bf_hybrid.py and torch_hybrid.py.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// draws is the number of posterior draws timed per trace.
const draws = 1000

// Report is the program's output; the Python twins print the same fields.
type Report struct {
	Impl       string  `json:"impl"`
	Version    string  `json:"version"`
	Threads    int     `json:"threads"`
	N          int     `json:"n"`      // simulations in the data set
	Params     int     `json:"params"` // trainable values
	LoadS      float64 `json:"load_s"` // reading the data set into memory
	Epochs     int     `json:"epochs"`
	Steps      int     `json:"steps"`         // timed training steps (the last epoch's, less its first)
	StepMs     float64 `json:"step_ms"`       // mean over Steps
	SamplesPS  float64 `json:"samples_per_s"` // batch / StepMs
	EpochS     float64 `json:"epoch_s"`       // wall time of the last epoch, validation included
	Loss       float64 `json:"loss"`          // training loss of the last epoch, for the record
	Reps       int     `json:"reps"`
	Sample1kMs float64 `json:"sample1000_ms"` // median over Reps
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "peers bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("data", "", "data set written by `laa simulate` (required)")
	epochs := fs.Int("epochs", 2, "training epochs; the last one is timed")
	reps := fs.Int("reps", 20, "timed repetitions of 1,000 draws")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || *epochs < 1 || *reps < 1 {
		return fmt.Errorf("need -data, and positive -epochs and -reps")
	}

	t0 := time.Now()
	data, err := dataset.Read(*path)
	if err != nil {
		return err
	}
	load := time.Since(t0).Seconds()

	opt, err := train.Preset(train.PresetQuick)
	if err != nil {
		return err
	}
	opt.Epochs, opt.Patience = *epochs, 0
	// stamps[e] holds the time of every step of epoch e (1-based), ends[e]
	// the time of its end (the progress call with the validation loss).
	stamps := make([][]time.Time, *epochs+1)
	ends := make([]time.Time, *epochs+1)
	progress := func(epoch, _, _ int, _, val float64) {
		if val != val { // NaN: a training step
			stamps[epoch] = append(stamps[epoch], time.Now())
		} else {
			ends[epoch] = time.Now()
		}
	}
	m, hist, err := train.Run(data, opt, "", progress)
	if err != nil {
		return err
	}
	last := stamps[*epochs]
	if len(last) < 3 {
		return fmt.Errorf("%d steps per epoch: too few to time; use a larger data set", len(last))
	}
	// The mean over the last epoch's steps after its first (whose interval
	// would include the previous epoch's validation).
	step := last[len(last)-1].Sub(last[0]).Seconds() / float64(len(last)-1)
	epochS := hist.Seconds
	if *epochs > 1 {
		epochS = ends[*epochs].Sub(ends[*epochs-1]).Seconds()
	}

	one := []npe.Observation{npe.FromSet(data, 0)}
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make([]float64, 0, *reps)
	for i := range *reps + 2 {
		t0 := time.Now()
		if _, err := m.Sample(one, draws, rng); err != nil {
			return err
		}
		if i >= 2 {
			lat = append(lat, time.Since(t0).Seconds())
		}
	}
	rep := Report{
		Impl: "laa", Version: runtime.Version() + " " + nn.BackendName(), Threads: runtime.GOMAXPROCS(0),
		N: data.N, Params: count(m.Params()), LoadS: load, Epochs: *epochs, Steps: len(last) - 1,
		StepMs: 1e3 * step, SamplesPS: float64(opt.BatchSize) / step, EpochS: epochS,
		Loss: hist.Train[len(hist.Train)-1], Reps: *reps, Sample1kMs: 1e3 * median(lat),
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", " ")
	return enc.Encode(rep)
}

func count(ps []*nn.Param) int {
	n := 0
	for _, p := range ps {
		n += len(p.Value.Data)
	}
	return n
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	n := len(s)
	return (s[n/2-1] + s[n/2]) / 2
}
