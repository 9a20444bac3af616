package hh

import (
	"math"
	"testing"

	"github.com/laa-neuro/laa/neuron"
)

// docTol is how close the numbers quoted in the presets' doc comments must
// be, mV.
const docTol = 0.1

// spikesPerStep counts spikes on the default staircase's steps (50-200,
// 200-350, 350-500 ms) and after it.
func spikesPerStep(spikes []float64) [4]int {
	var n [4]int
	for _, s := range spikes {
		switch {
		case s < 200:
			n[0]++
		case s < 350:
			n[1]++
		case s < 500:
			n[2]++
		default:
			n[3]++
		}
	}
	return n
}

// TestSubthresholdUnderStaircase checks the Subthreshold preset's promises:
// it never crosses -20 mV under the default staircase, even scaled by 4, and
// its step responses are those in its doc comment.
func TestSubthresholdUnderStaircase(t *testing.T) {
	t.Parallel()
	cur := mustCompile(t, neuron.DefaultStaircase())
	tr, err := Simulate(Subthreshold(), cur, Settings{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Spikes) != 0 || tr.MaxV >= crossMV {
		t.Fatalf("%d spikes, highest V %.2f mV", len(tr.Spikes), tr.MaxV)
	}
	rest := tr.V[0]
	for _, c := range []struct{ at, want float64 }{{-1, -54.7}, {199, 4.8}, {349, 7.5}, {499, 9.5}} {
		got := tr.MaxV
		if c.at >= 0 {
			got = tr.V[int(c.at)] - rest
		}
		if math.Abs(got-c.want) > docTol {
			t.Errorf("at %g ms: %.2f mV, doc says %g", c.at, got, c.want)
		}
	}
	x4, err := Simulate(Subthreshold(), cur, Settings{StimulusScale: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(x4.Spikes) != 0 || math.Abs(x4.MaxV - -43.7) > docTol {
		t.Errorf("scaled by 4: %d spikes, highest V %.2f mV, doc says -43.7", len(x4.Spikes), x4.MaxV)
	}
}

// TestClassicUnderStaircase records what the classic model does under the
// default staircase at several scales (as the package documents): nothing at
// scale 1, isolated spikes at 4, repetitive firing on the upper steps at 10.
func TestClassicUnderStaircase(t *testing.T) {
	t.Parallel()
	cur := mustCompile(t, neuron.DefaultStaircase())
	for _, c := range []struct {
		scale  float64
		minPer [4]int
		maxPer [4]int
	}{
		{1, [4]int{}, [4]int{}},
		{4, [4]int{0, 1, 1, 0}, [4]int{0, 1, 1, 0}},
		{10, [4]int{1, 8, 8, 0}, [4]int{1, 15, 15, 0}},
	} {
		tr, err := Simulate(Classic(), cur, Settings{StimulusScale: c.scale}, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := spikesPerStep(tr.Spikes)
		for k := range n {
			if n[k] < c.minPer[k] || n[k] > c.maxPer[k] {
				t.Errorf("scale %g: spikes per step %v, want between %v and %v", c.scale, n, c.minPer, c.maxPer)
				break
			}
		}
		t.Logf("scale %g: spikes per step %v, highest V %.1f mV", c.scale, n, tr.MaxV)
	}
}
