// Command simspeed measures simulator throughput side by side in one run: a
// naive scalar Go RK4 loop, laa's batched simulator (noise free and the full
// Generate), the library's previous block kernel (before.go) and the C twin
// of the same scheme (rk4.c, compiled by run.sh).
// It prints a markdown table, checks that C's traces equal Go's and that the
// default step meets the accuracy goal. See README.md.
//
//	bash bench/simspeed/run.sh            # builds the C program, then runs this
//	go run ./bench/simspeed -n 20000      # Go rows only
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/laa-neuro/laa/neuron"
)

var (
	nFlag      = flag.Int("n", 100000, "number of parameter sets (prior draws, seed 1)")
	workers    = flag.Int("workers", 2, "goroutines / OpenMP threads")
	reps       = flag.Int("reps", 3, "repetitions per timing (median reported)")
	naiveDiv   = flag.Int("naive-div", 20, "the naive baseline runs on the first n/naive-div draws")
	naiveDt    = flag.Float64("naive-dt", 0.1, "RK4 step of the naive baseline, ms")
	accN       = flag.Int("acc-n", 500, "draws for the accuracy check against the reference step")
	refDt      = flag.Float64("ref-dt", 0.01, "reference RK4 step, ms")
	cO3        = flag.String("c-o3", "", "rk4 built with gcc -O3 -fopenmp (row skipped if empty)")
	cNative    = flag.String("c-native", "", "rk4 built with gcc -O3 -march=native -fopenmp (row skipped if empty)")
	cFast      = flag.String("c-fast", "", "rk4 built with gcc -O3 -march=native -ffast-math -fopenmp (row skipped if empty)")
	scalarBin  = flag.String("scalar", "", "this tool built with -tags purego, whose Simulate runs the scalar fallback stageGo (row skipped if empty)")
	scaling    = flag.Bool("scaling", true, "also time Simulate and Generate on 1 worker with GOMAXPROCS 1 (rows b-1, c-1)")
	child      = flag.String("child", "", "internal: time one noise-free Simulate of the -n draws, write the traces to this file (- for none) and print seconds= and cpu_seconds=")
	dirFlag    = flag.String("dir", "", "folder for the parameter and trace files (default: a new temporary folder, removed at the end)")
	ratioBasis = flag.String("ratios", "cpu", "basis of the ratio columns: cpu (CPU time, robust to other load) or wall")
	only       = flag.String("only", "", "comma-separated subset of rows to time: naive,before,sim,scalar,gen,sim1,gen1,c,native,fast (for profiling)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile of the Go timings")
)

const seed = 1

func main() {
	log.SetFlags(0)
	log.SetPrefix("simspeed: ")
	flag.Parse()
	n := *nFlag
	runtime.GOMAXPROCS(*workers)

	cfg := neuron.Default()
	sim, err := neuron.NewSimulator(cfg)
	check(err)
	T := sim.NumSamples()

	dir := *dirFlag
	if dir == "" {
		dir, err = os.MkdirTemp("", "simspeed")
		check(err)
		defer os.RemoveAll(dir)
	}

	ps := priorDraws(cfg, n)
	if *child != "" {
		runChild(sim, ps, *child)
		return
	}
	rows := make([]float64, 0, 7*n)
	for i := range ps {
		rest, err := neuron.RestingPotential(ps[i])
		check(err)
		p := ps[i]
		rows = append(rows, p.Cm, p.GL, p.EL, p.K, p.Vthr, p.Gact, rest)
	}
	paramFile := filepath.Join(dir, "params.f64")
	check(writeF64(paramFile, rows))

	load0 := loadAvg()
	want := func(row string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), row) }
	if *cpuprofile != "" {
		stop := startProfile(*cpuprofile)
		defer stop()
	}

	// Timings, interleaved: one repetition of every row, then the next, so
	// that load from elsewhere hits all rows alike.
	nNaive := max(n / *naiveDiv, 1)
	naiveOut := make([]float64, nNaive*T)
	simOut := make([]float64, n*T)
	var beforeOut []float64
	beforeSetup := newSetup(cfg)
	if want("before") {
		beforeOut = make([]float64, n*T)
	}
	var goTraces []float64 // the first noise-free run, compared with C
	times := map[string][]meas{}
	cFiles := map[string]string{}
	for r := range *reps {
		log.Printf("repetition %d/%d", r+1, *reps)
		if want("naive") {
			touch(naiveOut)
			times["naive"] = append(times["naive"], timeIt(func() { naive(ps[:nNaive], sim.Current(), *naiveDt, naiveOut) }))
		}
		if want("before") {
			touch(beforeOut)
			times["before"] = append(times["before"], timeIt(func() { beforeSimulate(beforeSetup, ps, beforeOut) }))
		}
		if want("sim") {
			touch(simOut)
			times["sim"] = append(times["sim"], timeIt(func() { simulate(sim, ps, simOut) }))
			if goTraces == nil {
				goTraces, simOut = simOut, make([]float64, n*T)
			}
		}
		if *scalarBin != "" && want("scalar") {
			out := "-"
			if r == 0 {
				out = filepath.Join(dir, "traces-scalar.f64")
				cFiles["scalar"] = out
			}
			times["scalar"] = append(times["scalar"], runTimed(exec.Command(*scalarBin, "-n", strconv.Itoa(n), "-workers", strconv.Itoa(*workers), "-child", out)))
		}
		if want("gen") {
			times["gen"] = append(times["gen"], timeGenerate(sim, n, *workers))
		}
		if *scaling && *workers > 1 {
			// The same rows on one core, for the parallel scaling.
			w := *workers
			*workers = 1
			runtime.GOMAXPROCS(1)
			if want("sim1") {
				touch(simOut)
				times["sim1"] = append(times["sim1"], timeIt(func() { simulate(sim, ps, simOut) }))
			}
			if want("gen1") {
				times["gen1"] = append(times["gen1"], timeGenerate(sim, n, 1))
			}
			*workers = w
			runtime.GOMAXPROCS(w)
		}
		for _, c := range []struct{ row, bin string }{{"c", *cO3}, {"native", *cNative}, {"fast", *cFast}} {
			if c.bin == "" || !want(c.row) {
				continue
			}
			out := "-"
			if r == 0 {
				out = filepath.Join(dir, "traces-"+c.row+".f64")
				cFiles[c.row] = out
			}
			times[c.row] = append(times[c.row], runC(c.bin, paramFile, out, cfg.DtMs))
		}
	}

	// C against Go, trace by trace.
	cDiff := map[string]float64{}
	for row, file := range cFiles {
		if goTraces == nil {
			break
		}
		d, err := maxDiffFile(file, goTraces)
		check(err)
		cDiff[row] = d
		os.Remove(file)
	}
	simOut = nil
	if goTraces != nil && beforeOut != nil {
		cDiff["before"] = maxDiff(beforeOut, goTraces)
	}
	beforeOut = nil

	// Accuracy of the default step (and the naive baseline's) against the reference step.
	m := min(*accN, n)
	refCfg := cfg
	refCfg.DtMs = *refDt
	refSim, err := neuron.NewSimulator(refCfg)
	check(err)
	ref := make([]float64, m*T)
	simulate(refSim, ps[:m], ref)
	accDefault := maxDiff(goTracesOr(sim, ps[:m], goTraces, m*T), ref)
	naiveAcc := make([]float64, m*T)
	naive(ps[:m], sim.Current(), *naiveDt, naiveAcc)
	accNaive := maxDiff(naiveAcc, ref)

	// Table.
	type line struct {
		name, key string
		count     int
	}
	rowWorkers := func(key string) int {
		if key == "sim1" || key == "gen1" {
			return 1
		}
		return *workers
	}
	lines := []line{
		{fmt.Sprintf("(a) naive Go: scalar RK4, one trajectory at a time, math.Exp, dt = %g ms (first %d draws)", *naiveDt, nNaive), "naive", nNaive},
		{fmt.Sprintf("(b0) laa kernel before (math.Exp per lane): `before.go`, the block of 849f365^, dt = %g ms", cfg.DtMs), "before", n},
		{fmt.Sprintf("(b1) laa `Simulate` with the scalar stage (`stageGo`: the tool built with `-tags purego`), blocks of %d, dt = %g ms", neuron.BlockSize, cfg.DtMs), "scalar", n},
		{fmt.Sprintf("(b) laa `Simulator.Simulate`, noise free, blocks of %d, dt = %g ms, %s", neuron.BlockSize, cfg.DtMs, kernelName()), "sim", n},
		{fmt.Sprintf("(c) laa `Generate`: prior draws + simulation + observation noise, dt = %g ms", cfg.DtMs), "gen", n},
		{"(b-1) as (b), 1 worker, GOMAXPROCS 1", "sim1", n},
		{"(c-1) as (c), 1 worker, GOMAXPROCS 1", "gen1", n},
		{fmt.Sprintf("(d) C `gcc -O3 -fopenmp`, same scheme, dt = %g ms", cfg.DtMs), "c", n},
		{fmt.Sprintf("(e) C `gcc -O3 -march=native -fopenmp`, dt = %g ms", cfg.DtMs), "native", n},
		{fmt.Sprintf("(f) C `gcc -O3 -march=native -ffast-math -fopenmp` (exp vectorized by libmvec; not the same arithmetic), dt = %g ms", cfg.DtMs), "fast", n},
	}
	// rate is the throughput on *workers cores: by wall clock, or from CPU
	// time (what an otherwise idle machine would give).
	rate := func(l line, cpu bool) float64 {
		if len(times[l.key]) == 0 {
			return math.NaN()
		}
		if cpu {
			return float64(rowWorkers(l.key)*l.count) / medianOf(times[l.key], true)
		}
		return float64(l.count) / medianOf(times[l.key], false)
	}
	row := func(key string) line {
		for _, l := range lines {
			if l.key == key {
				return l
			}
		}
		panic(key)
	}
	useCPU := *ratioBasis == "cpu"
	base, cRate := rate(row("naive"), useCPU), rate(row("c"), useCPU)
	fmt.Printf("| configuration | trajectories/s, wall clock, %d workers | trajectories/s from CPU time, %d cores | × naive Go | × C -O3 |\n|---|---:|---:|---:|---:|\n", *workers, *workers)
	// Rows b-1 and c-1 run on one core; their ratios compare them, as every
	// row, with the others' throughput on *workers cores.
	for _, l := range lines {
		w, c := rate(l, false), rate(l, true)
		if math.IsNaN(w) {
			fmt.Printf("| %s | not run | | | |\n", l.name)
			continue
		}
		r := map[bool]float64{false: w, true: c}[useCPU]
		fmt.Printf("| %s | %s | %s | %s | %s |\n", l.name, group(w), group(c), ratio(r/base), ratio(r/cRate))
	}
	fmt.Println()
	fmt.Printf("N = %d prior draws (neuron.Default(), seed %d), %d samples per trace; median of %d interleaved repetitions. "+
		"CPU-time throughput = %d x trajectories / CPU-seconds of the timed region (all threads, GC included); ratios are throughput ratios "+
		"(above 1 is faster) from %s.\n", n, seed, T, *reps, *workers, map[bool]string{true: "CPU time", false: "wall-clock time"}[useCPU])
	if r := rate(row("sim"), useCPU); !math.IsNaN(r) {
		fmt.Printf("- 100,000 pairs take %.2f s noise free (b), %s with Generate (c) (from %s).\n", 1e5/r, secs(1e5/rate(row("gen"), useCPU)),
			map[bool]string{true: "CPU time", false: "wall clock"}[useCPU])
	}
	if after, before := row("sim"), row("before"); !math.IsNaN(rate(after, true)) && !math.IsNaN(rate(before, true)) {
		fmt.Printf("- block kernel of 849f365 against the one before: (b1) / (b0) = %s from CPU time, %s by wall clock.\n",
			ratio(rate(row("scalar"), true)/rate(before, true)), ratio(rate(row("scalar"), false)/rate(before, false)))
	}
	if after, before := row("sim"), row("scalar"); !math.IsNaN(rate(after, true)) && !math.IsNaN(rate(before, true)) {
		fmt.Printf("- %s against the scalar stage: (b) / (b1) = %s from CPU time, %s by wall clock.\n", kernelName(),
			ratio(rate(after, true)/rate(before, true)), ratio(rate(after, false)/rate(before, false)))
	}
	for _, k := range []struct{ multi, one string }{{"sim", "sim1"}, {"gen", "gen1"}} {
		m, o := row(k.multi), row(k.one)
		if !math.IsNaN(rate(m, true)) && !math.IsNaN(rate(o, true)) {
			fmt.Printf("- parallel scaling of %s, %d workers against 1: %s by wall clock (speed-up), %s in trajectories per CPU-second (efficiency).\n",
				m.name[:3], *workers, ratio(rate(m, false)/rate(o, false)), ratio(rate(m, true)/float64(*workers)/rate(o, true)))
		}
	}
	for _, key := range []string{"before", "scalar", "c", "native", "fast"} {
		if d, ok := cDiff[key]; ok {
			fmt.Printf("- max |%s - (b)| over all %d x %d samples: %.3g mV\n",
				map[string]string{"before": "(b0)", "scalar": "(b1)", "c": "(d)", "native": "(e)", "fast": "(f)"}[key], n, T, d)
		}
	}
	fmt.Printf("- accuracy on the first %d draws, max |V - V_ref| against dt = %g ms: %.3g mV at the default dt = %g ms (goal <= 0.01 mV); naive at dt = %g ms: %.3g mV\n",
		m, *refDt, accDefault, cfg.DtMs, *naiveDt, accNaive)
	fmt.Printf("- C reads V_rest from the parameter file only to check it: it recomputes the resting potential with the same scan and bisection as neuron.RestingPotential inside the timed region, as (b) does (largest difference %.3g mV: glibc exp vs Go's math.Exp).\n", restDiff)
	fmt.Printf("- timed regions: (a), (b0), (b) the integration with output preallocated; (b1) the same inside a child process (its own clocks); (c) the whole Generate call; (d)-(f) the OpenMP loop inside rk4 (file I/O excluded, output pages touched first).\n")
	fmt.Printf("- raw seconds per repetition, wall/CPU: %s\n", rawTimes(times))
	fmt.Printf("- machine: %s, %d CPUs, GOMAXPROCS %d, %s; load average %s before, %s after\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), load0, loadAvg())
}

// naive integrates one trajectory at a time with a scalar RK4 loop, the
// stimulus evaluated per stage from the compiled current, over *workers
// goroutines.
func naive(ps []neuron.Params, cur *neuron.Current, dt float64, out []float64) {
	T := len(out) / len(ps)
	per := int(math.Round(1 / dt))
	steps := (T - 1) * per
	nudge := 1e-7 * dt
	parallel(len(ps), 1, func(i int) {
		p := ps[i]
		f := func(v, iext float64) float64 {
			return (-p.GL*(v-p.EL) + p.Gact/(1+math.Exp(-(v-p.Vthr)/p.K)) + iext) / p.Cm
		}
		v, err := neuron.RestingPotential(p)
		check(err)
		row := out[i*T : (i+1)*T]
		row[0] = v
		for j := range steps {
			t := float64(j) * dt
			k1 := f(v, cur.At(t+nudge))
			im := cur.At(t + dt/2)
			k2 := f(v+dt/2*k1, im)
			k3 := f(v+dt/2*k2, im)
			k4 := f(v+dt*k3, cur.At(t+dt-nudge))
			v += dt / 6 * (k1 + 2*k2 + 2*k3 + k4)
			if (j+1)%per == 0 {
				row[(j+1)/per] = v
			}
		}
	})
}

// simulate runs s.Simulate noise free over *workers goroutines, a block of
// neuron.BlockSize trajectories at a time.
func simulate(s *neuron.Simulator, ps []neuron.Params, out []float64) {
	T := s.NumSamples()
	parallel(len(ps), neuron.BlockSize, func(lo int) {
		hi := min(lo+neuron.BlockSize, len(ps))
		check(s.Simulate(ps[lo:hi], nil, out[lo*T:hi*T]))
	})
}

// parallel calls fn(lo) for lo = 0, chunk, 2 chunk, ... < n on *workers
// goroutines taking chunks from a shared counter.
func parallel(n, chunk int, fn func(lo int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(chunk)) - int64(chunk))
				if lo >= n {
					return
				}
				fn(lo)
			}
		})
	}
	wg.Wait()
}

// restDiff is the largest difference between C's resting potentials and Go's.
var restDiff float64

// priorDraws returns parameter set i = 0..n-1 drawn from neuron.Stream(seed, i), as Generate does.
func priorDraws(cfg neuron.Config, n int) []neuron.Params {
	ps := make([]neuron.Params, n)
	theta := make([]float64, 5)
	for i := range ps {
		cfg.SamplePrior(neuron.Stream(seed, uint64(i)), theta)
		var err error
		ps[i], err = cfg.Params(theta)
		check(err)
	}
	return ps
}

// runChild is the -child mode: one timed noise-free Simulate of ps, its
// times printed as rk4.c prints them, the traces written to out unless "-".
func runChild(sim *neuron.Simulator, ps []neuron.Params, out string) {
	traces := make([]float64, len(ps)*sim.NumSamples())
	touch(traces)
	m := timeIt(func() { simulate(sim, ps, traces) })
	if out != "-" {
		check(writeF64(out, traces))
	}
	fmt.Printf("n=%d workers=%d seconds=%.6f cpu_seconds=%.6f\n", len(ps), *workers, m.wall, m.cpu)
}

// timeGenerate times Generate of n pairs on the given number of workers.
func timeGenerate(sim *neuron.Simulator, n, workers int) meas {
	m := timeIt(func() {
		_, err := sim.Generate(seed, 0, n, neuron.GenerateOptions{Workers: workers})
		check(err)
	})
	runtime.GC()
	return m
}

// runC runs the C program and returns the integration times it reports.
func runC(bin, params, out string, dt float64) meas {
	cmd := exec.Command(bin, params, out, strconv.FormatFloat(dt, 'g', -1, 64))
	// Passive waiting: an idle OpenMP thread at the end of the loop sleeps
	// instead of spinning, so CPU time counts work only.
	cmd.Env = append(os.Environ(), fmt.Sprintf("OMP_NUM_THREADS=%d", *workers), "OMP_WAIT_POLICY=PASSIVE")
	return runTimed(cmd)
}

// runTimed runs a program that prints seconds= and cpu_seconds= (rk4.c, or
// this tool with -child) and returns those times.
func runTimed(cmd *exec.Cmd) meas {
	bin := cmd.Path
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		log.Fatalf("%s: %v", bin, err)
	}
	line := strings.TrimSpace(string(b))
	kv := map[string]float64{}
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok {
			x, err := strconv.ParseFloat(v, 64)
			check(err)
			kv[k] = x
		}
	}
	m := meas{kv["seconds"], kv["cpu_seconds"]}
	if !(m.wall > 0 && m.cpu > 0) {
		log.Fatalf("%s: no seconds= and cpu_seconds= in %q", bin, line)
	}
	restDiff = math.Max(restDiff, kv["rest_maxdiff"])
	return m
}

// goTracesOr returns the first size values of traces, or simulates them
// when the noise-free row was not timed.
func goTracesOr(s *neuron.Simulator, ps []neuron.Params, traces []float64, size int) []float64 {
	if traces != nil {
		return traces[:size]
	}
	out := make([]float64, size)
	simulate(s, ps, out)
	return out
}

// meas is one timing: wall-clock and process CPU seconds.
type meas struct{ wall, cpu float64 }

// touch writes every page of x before a timing, so that first-touch page
// faults of a fresh allocation are not timed (rk4.c does the same).
func touch(x []float64) {
	for i := 0; i < len(x); i += 512 {
		x[i] = 0
	}
}

func timeIt(fn func()) meas {
	t0, c0 := time.Now(), cpuSeconds()
	fn()
	return meas{time.Since(t0).Seconds(), cpuSeconds() - c0}
}

// cpuSeconds is the CPU time (user + system) of this process, all threads.
func cpuSeconds() float64 {
	var u syscall.Rusage
	check(syscall.Getrusage(syscall.RUSAGE_SELF, &u))
	return float64(u.Utime.Nano()+u.Stime.Nano()) * 1e-9
}

func medianOf(ms []meas, cpu bool) float64 {
	var x []float64
	for _, m := range ms {
		x = append(x, map[bool]float64{false: m.wall, true: m.cpu}[cpu])
	}
	return median(x)
}

func median(x []float64) float64 {
	s := slices.Sorted(slices.Values(x))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func maxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// maxDiffFile compares a float64 file with want without loading it whole.
func maxDiffFile(path string, want []float64) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	buf := make([]byte, 8<<16)
	d, i := 0.0, 0
	for {
		k, err := io.ReadFull(r, buf)
		for j := 0; j+8 <= k; j += 8 {
			if i >= len(want) {
				return 0, fmt.Errorf("%s: more values than the %d expected", path, len(want))
			}
			v := math.Float64frombits(binary.LittleEndian.Uint64(buf[j:]))
			d = math.Max(d, math.Abs(v-want[i]))
			i++
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if i != len(want) {
		return 0, fmt.Errorf("%s: %d values, want %d", path, i, len(want))
	}
	return d, nil
}

func writeF64(path string, x []float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var b [8]byte
	for _, v := range x {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		w.Write(b[:])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func group(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ratio(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	if x >= 10 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func secs(x float64) string {
	if math.IsNaN(x) {
		return "not run"
	}
	return fmt.Sprintf("%.2f s", x)
}

func rawTimes(t map[string][]meas) string {
	var parts []string
	for _, k := range []string{"naive", "before", "scalar", "sim", "gen", "sim1", "gen1", "c", "native", "fast"} {
		if len(t[k]) > 0 {
			var s []string
			for _, v := range t[k] {
				s = append(s, fmt.Sprintf("%.2f/%.2f", v.wall, v.cpu))
			}
			parts = append(parts, k+" "+strings.Join(s, " "))
		}
	}
	return strings.Join(parts, "; ")
}

func startProfile(path string) (stop func()) {
	f, err := os.Create(path)
	check(err)
	check(pprof.StartCPUProfile(f))
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
