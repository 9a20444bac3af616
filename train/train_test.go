package train

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
)

var (
	dataOnce sync.Once
	data     *dataset.Set
	dataErr  error
)

// smallData is a shared 1,200-simulation data set.
func smallData(t *testing.T) *dataset.Set {
	t.Helper()
	dataOnce.Do(func() {
		sim, err := neuron.NewSimulator(neuron.Default())
		if err != nil {
			dataErr = err
			return
		}
		data, dataErr = dataset.Simulate(sim, dataset.SimulateOptions{Seed: 5, N: 1200})
	})
	if dataErr != nil {
		t.Fatal(dataErr)
	}
	return data
}

// tinyOptions trains a small network for a few epochs.
func tinyOptions(epochs int) Options {
	o, _ := Preset(PresetQuick)
	o.Model = npe.Config{Summary: npe.SummaryConfig{Kind: npe.SummaryMLP, Out: 8, Hidden: 16}, Flow: npe.FlowConfig{Layers: 4, Hidden: 16}}
	o.Epochs, o.BatchSize, o.Patience, o.ValFraction = epochs, 64, 0, 0.1
	return o
}

func TestLossDecreases(t *testing.T) {
	t.Parallel()
	_, h, err := Run(smallData(t), tinyOptions(6), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(h.Val[len(h.Val)-1] < h.Val[0]-0.5) {
		t.Fatalf("validation loss did not fall: %v", h.Val)
	}
}

func TestResumeEqualsUninterruptedRun(t *testing.T) {
	t.Parallel()
	d := smallData(t)
	dir := t.TempDir()
	whole, interrupted := filepath.Join(dir, "whole.laa"), filepath.Join(dir, "cut.laa")
	mWhole, hWhole, err := Run(d, tinyOptions(3), whole, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Run again, keeping a copy of the checkpoint written after epoch 1,
	// as if the process had been killed during epoch 2.
	copied := false
	_, _, err = Run(d, tinyOptions(3), filepath.Join(dir, "again.laa"), func(epoch, step, _ int, _, val float64) {
		if epoch == 2 && step == 1 && math.IsNaN(val) && !copied {
			b, err := os.ReadFile(filepath.Join(dir, "again.laa"))
			if err != nil {
				t.Error(err)
			}
			os.WriteFile(interrupted, b, 0o644)
			copied = true
		}
	})
	if err != nil || !copied {
		t.Fatalf("second run: %v (checkpoint copied: %v)", err, copied)
	}
	cut, _ := os.ReadFile(interrupted)
	mResumed, hResumed, err := Resume(d, interrupted, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hResumed.Val) != 3 {
		t.Fatalf("resumed history has %d epochs", len(hResumed.Val))
	}
	for i := range hWhole.Val {
		if hWhole.Val[i] != hResumed.Val[i] || hWhole.Train[i] != hResumed.Train[i] {
			t.Fatalf("epoch %d: losses %v/%v resumed vs %v/%v uninterrupted", i+1, hResumed.Train[i], hResumed.Val[i], hWhole.Train[i], hWhole.Val[i])
		}
	}
	a, b := npe.FlatParams(mWhole.Params()), npe.FlatParams(mResumed.Params())
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("weight %d: %v resumed vs %v uninterrupted", i, b[i], a[i])
		}
	}
	if _, _, err := Resume(d, whole, nil); err == nil || !strings.Contains(err.Error(), "already finished") {
		t.Fatalf("resuming a finished run: %v", err)
	}
	os.WriteFile(interrupted, cut, 0o644) // Resume finished the run in place
	other, _ := d.Slice(0, 1000)
	if _, _, err := Resume(other, interrupted, nil); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("resuming on other data: %v", err)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for _, name := range []string{PresetQuick, PresetSeed} {
		o, err := Preset(name)
		if err != nil || o.Validate() != nil {
			t.Fatalf("preset %s: %v %v", name, err, o.Validate())
		}
	}
	if _, err := Preset("fast"); err == nil {
		t.Fatal("unknown preset accepted")
	}
	o, _ := Preset(PresetQuick)
	for _, bad := range []func(*Options){
		func(o *Options) { o.Epochs = 0 },
		func(o *Options) { o.BatchSize = 1 },
		func(o *Options) { o.LR = -1 },
		func(o *Options) { o.ValFraction = 0.7 },
		func(o *Options) { o.Schedule = "step" },
	} {
		c := o
		bad(&c)
		if c.Validate() == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}

func TestReplicasGiveTheSameGradient(t *testing.T) {
	t.Parallel()
	d := smallData(t)
	opt := tinyOptions(1)
	grads := map[int][]float32{}
	for _, r := range []int{1, 3} {
		m, err := npe.New(opt.Model, d, opt.Seed)
		if err != nil {
			t.Fatal(err)
		}
		p, err := newParallel(m, r)
		if err != nil {
			t.Fatal(err)
		}
		idx := make([]int, 90)
		for i := range idx {
			idx[i] = 7 * i
		}
		if _, err := p.step(d, idx); err != nil {
			t.Fatal(err)
		}
		for _, q := range m.Params() {
			grads[r] = append(grads[r], q.Grad.Data...)
		}
	}
	const tol = 1e-4
	for i := range grads[1] {
		a, b := float64(grads[1][i]), float64(grads[3][i])
		if math.Abs(a-b) > tol*(1+math.Abs(a)) {
			t.Fatalf("gradient %d: %g with 1 replica, %g with 3", i, a, b)
		}
	}
}
