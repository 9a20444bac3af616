// Command serve load-tests laa serve on loopback: it serves one model
// in-process (package serve, as `laa serve` does), then -clients clients
// post -requests requests in all, each the same recorded trace (the CSV
// the demo writes, 600 samples on the default grid) for -draws draws, and
// it prints the requests per second, the p50/p99/max latency, the errors
// (any error fails the run) and the process's memory before and after.
//
//	go run ./bench/serve                              # untrained model of the default preset
//	go run ./bench/serve -model laa-demo/model.laa    # a trained model
//
// Without -model the model is the default preset's architecture ("quick")
// untrained, its ActNorm layers set from 256 simulations: it costs what a
// trained model costs per draw, only its leakage differs.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/serve"
	"github.com/laa-neuro/laa/train"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "serve bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	modelPath := fs.String("model", "", "trained model file (default: the quick preset's architecture, untrained)")
	clients := fs.Int("clients", 8, "concurrent clients")
	requests := fs.Int("requests", 2000, "requests in all")
	draws := fs.Int("draws", 1000, "posterior draws per request")
	exact := fs.Bool("exact", false, "ask for the exact correction (default: the amortized posterior)")
	replicas := fs.Int("replicas", 0, "model replicas (0: GOMAXPROCS)")
	warmup := fs.Int("warmup", 50, "requests before the timed ones (not counted)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed requests to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *clients < 1 || *requests < 1 || *draws < 2 || *warmup < 0 {
		return fmt.Errorf("want -clients and -requests at least 1, -draws at least 2 and -warmup at least 0")
	}
	m, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	csv, err := traceCSV(m.Model.Experiment)
	if err != nil {
		return err
	}
	srv, err := serve.New([]serve.Model{m}, serve.Config{Replicas: *replicas, Examples: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx, ln, 10*time.Second) }()
	url := fmt.Sprintf("http://%s/v1/models/m/infer?draws=%d&exact=%v", ln.Addr(), *draws, *exact)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}, Timeout: 2 * time.Minute}
	post := func(seed int) (time.Duration, error) {
		t0 := time.Now()
		resp, err := client.Post(fmt.Sprintf("%s&seed=%d", url, seed), "text/csv", bytes.NewReader(csv))
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
		}
		return time.Since(t0), err
	}
	for i := range *warmup {
		if _, err := post(i); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	before := memory()
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
	cpu0 := cpuTime()
	var gc0 runtime.MemStats
	runtime.ReadMemStats(&gc0)
	lat := make([]time.Duration, *requests)
	var next atomic.Int64
	var errs atomic.Int64
	var firstErr sync.Once
	var errMsg string
	t0 := time.Now()
	var wg sync.WaitGroup
	for range *clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= *requests {
					return
				}
				d, err := post(i)
				lat[i] = d
				if err != nil {
					errs.Add(1)
					firstErr.Do(func() { errMsg = err.Error() })
				}
			}
		})
	}
	wg.Wait()
	wall := time.Since(t0)
	cpu := cpuTime() - cpu0 // server and clients: one process
	var gc1 runtime.MemStats
	runtime.ReadMemStats(&gc1)
	after := memory()
	stop()
	if err := <-ran; err != nil {
		return err
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(math.Ceil(p*float64(len(lat))))-1)].Microseconds()) / 1000
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(stdout, "laa serve load test: %d clients, %d requests of %d draws (exact=%v) for a %d-sample trace, GOMAXPROCS %d, model %s\n",
		*clients, *requests, *draws, *exact, m.Model.Samples(), runtime.GOMAXPROCS(0), orUntrained(*modelPath))
	fmt.Fprintf(stdout, "requests/s %.1f   p50 %.1f ms   p99 %.1f ms   max %.1f ms   errors %d\n",
		float64(*requests)/wall.Seconds(), q(0.50), q(0.99), q(1), errs.Load())
	fmt.Fprintf(stdout, "CPU time %.1f ms per request (server and clients; load-independent), %.0f %% of %d cores used\n",
		1000*cpu.Seconds()/float64(*requests), 100*cpu.Seconds()/wall.Seconds()/float64(runtime.GOMAXPROCS(0)), runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "allocated %.1f MiB per request; %d garbage collections, %.1f ms of pauses in all\n",
		float64(gc1.TotalAlloc-gc0.TotalAlloc)/(1<<20)/float64(*requests), gc1.NumGC-gc0.NumGC, float64(gc1.PauseTotalNs-gc0.PauseTotalNs)/1e6)
	fmt.Fprintf(stdout, "memory before: heap %.1f MiB, RSS %.1f MiB; after: heap %.1f MiB, RSS %.1f MiB\n",
		before.heap, before.rss, after.heap, after.rss)
	fmt.Fprintf(stdout, "load average: %s", load)
	if n := errs.Load(); n > 0 {
		return fmt.Errorf("%d of %d requests failed; the first: %s", n, *requests, errMsg)
	}
	return nil
}

// orUntrained names the model for the report.
func orUntrained(path string) string {
	if path == "" {
		return "quick preset, untrained"
	}
	return path
}

// loadModel loads path, or builds the quick preset's model untrained.
func loadModel(path string) (serve.Model, error) {
	if path != "" {
		return serve.LoadModel("m", path)
	}
	exp := neuron.Default()
	sim, err := neuron.NewSimulator(exp)
	if err != nil {
		return serve.Model{}, err
	}
	d, err := dataset.Simulate(sim, dataset.SimulateOptions{Seed: 3, N: 256})
	if err != nil {
		return serve.Model{}, err
	}
	opt, err := train.Preset(train.PresetQuick)
	if err != nil {
		return serve.Model{}, err
	}
	m, err := npe.New(opt.Model, d, opt.Seed)
	if err != nil {
		return serve.Model{}, err
	}
	obs := make([]npe.Observation, d.N)
	for i := range obs {
		if obs[i], err = m.FromSet(d, i); err != nil {
			return serve.Model{}, err
		}
	}
	if _, err := m.Loss(obs, d.Theta); err != nil { // the first forward pass initializes ActNorm
		return serve.Model{}, err
	}
	return serve.Model{Name: "m", Version: "untrained", Model: m}, nil
}

// traceCSV simulates one trace of exp and writes it as the demo writes
// example_trace.csv.
func traceCSV(exp neuron.Config) ([]byte, error) {
	g, err := neuron.NewModel(exp)
	if err != nil {
		return nil, err
	}
	s, err := dataset.SimulateModel(g, dataset.SimulateOptions{Seed: 11, N: 1})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := s.EncodeTraceCSV(&b, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// usage is the process's memory after a garbage collection, MiB.
type usage struct{ heap, rss float64 }

// memory returns the live heap after a collection and the resident set.
func memory() usage {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u := usage{heap: float64(ms.HeapAlloc) / (1 << 20)}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			var kb float64
			if _, err := fmt.Sscanf(l, "VmRSS: %f kB", &kb); err == nil {
				u.rss = kb / 1024
			}
		}
	}
	return u
}
