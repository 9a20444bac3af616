// Command npe times laa's NPE engine on the two training presets: training
// throughput (forward, backward and Adam step at the preset's batch size,
// as train's loop does them) and the latency of 1,000 posterior draws for
// one trace. It prints JSON for run.sh, which sets it beside the PyTorch
// twin in torch_npe.py. Build with -tags openblas for the OpenBLAS backend.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// draws is the number of posterior draws timed per trace.
const draws = 1000

// Result is the timing of one configuration; torch_npe.py prints the same fields.
type Result struct {
	Config           string  `json:"config"`
	Params           int     `json:"params"` // trainable values
	TrainSteps       int     `json:"train_steps"`
	StepMs           float64 `json:"step_ms"` // median over TrainSteps
	TrainSamplesPerS float64 `json:"train_samples_per_s"`
	SampleReps       int     `json:"sample_reps"`
	Sample1000Ms     float64 `json:"sample1000_ms"` // median over SampleReps
	Leakage          float64 `json:"leakage"`       // share of draws rejected, for the record
}

// Report is the program's output.
type Report struct {
	Impl    string   `json:"impl"`
	Version string   `json:"version"`
	Backend string   `json:"backend"`
	Threads int      `json:"threads"`
	Results []Result `json:"results"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "npe bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("npe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mlpSteps := fs.Int("mlp-steps", 20, "timed training steps for the MLP configuration")
	lstmSteps := fs.Int("lstm-steps", 8, "timed training steps for the LSTM configuration")
	reps := fs.Int("reps", 20, "timed repetitions of 1,000 draws")
	only := fs.String("only", "", `run one configuration: "MLP" or "LSTM"`)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed work to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sim, err := neuron.NewSimulator(neuron.Default())
	if err != nil {
		return err
	}
	data, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 1, N: 1024})
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep := Report{Impl: "laa", Version: runtime.Version(), Backend: nn.BackendName(), Threads: runtime.GOMAXPROCS(0)}
	for _, c := range []struct {
		name, preset  string
		warmup, steps int
	}{{"MLP", train.PresetMLP, 5, *mlpSteps}, {"LSTM", train.PresetSeed, 2, *lstmSteps}} {
		if *only != "" && *only != c.name {
			continue
		}
		r, err := bench(data, c.name, c.preset, c.warmup, c.steps, *reps)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		rep.Results = append(rep.Results, r)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", " ")
	return enc.Encode(rep)
}

// bench times one preset's model on data.
func bench(data *dataset.Set, name, preset string, warmup, steps, reps int) (Result, error) {
	opt, err := train.Preset(preset)
	if err != nil {
		return Result{}, err
	}
	m, err := npe.New(opt.Model, data, opt.Seed)
	if err != nil {
		return Result{}, err
	}
	params := m.Params()
	adam := nn.NewAdam(params, opt.LR)
	rng := rand.New(rand.NewPCG(opt.Seed, 2))
	times := make([]float64, 0, steps)
	for i := range warmup + steps {
		t0 := time.Now()
		obs, theta := randomBatch(data, opt.BatchSize, rng)
		nn.ZeroGrads(params)
		loss, err := m.Loss(obs, theta)
		if err != nil {
			return Result{}, err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return Result{}, fmt.Errorf("loss %v at step %d", loss, i+1)
		}
		m.Backward()
		adam.Step()
		if i >= warmup {
			times = append(times, time.Since(t0).Seconds())
		}
	}

	one := []npe.Observation{npe.FromSet(data, 0)}
	lat := make([]float64, 0, reps)
	var post []npe.Posterior
	for i := range reps + 2 {
		t0 := time.Now()
		if post, err = m.Sample(one, draws, rng); err != nil {
			return Result{}, err
		}
		if i >= 2 {
			lat = append(lat, time.Since(t0).Seconds())
		}
	}
	step := median(times)
	return Result{
		Config: name, Params: count(params), TrainSteps: steps, StepMs: 1e3 * step, TrainSamplesPerS: float64(opt.BatchSize) / step,
		SampleReps: reps, Sample1000Ms: 1e3 * median(lat), Leakage: post[0].Leakage(),
	}, nil
}

// randomBatch gathers n random rows of data, as train's loop gathers a
// shuffled batch.
func randomBatch(data *dataset.Set, n int, rng *rand.Rand) ([]npe.Observation, []float64) {
	obs := make([]npe.Observation, n)
	theta := make([]float64, 0, n*data.P)
	for b := range obs {
		i := rng.IntN(data.N)
		obs[b] = npe.FromSet(data, i)
		theta = append(theta, data.Theta[i*data.P:(i+1)*data.P]...)
	}
	return obs, theta
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
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}
