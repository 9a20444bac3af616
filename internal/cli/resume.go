package cli

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// trainFlags are train's options that shape a run.
type trainFlags struct {
	preset, summary, coupling string
	epochs, patience          int
	seed                      uint64
}

// options returns the run options the flags ask for, starting from base
// (a preset) and overriding what the user set; check validated them.
func (t trainFlags) options(base train.Options, set *pflag.FlagSet) train.Options {
	opt := base
	if set.Changed("epochs") {
		opt.Epochs = t.epochs
	}
	if set.Changed("patience") {
		opt.Patience = t.patience
	}
	if set.Changed("seed") {
		opt.Seed = t.seed
	}
	if t.summary != "" {
		opt.Model.Summary = npe.SummaryConfig{Kind: t.summary}
	}
	if t.coupling != "" {
		opt.Model.Flow.Coupling = t.coupling
	}
	return opt
}

// resumeConflicts compares every option the user set explicitly with the
// checkpoint's and returns an error naming those that differ. A resumed
// run continues the checkpointed one exactly (the learning-rate schedule
// spans its epoch budget), so no option may change.
func resumeConflicts(t trainFlags, set *pflag.FlagSet, ck train.Checkpoint, path string) error {
	got := ck.Options
	var bad []string
	differ := func(flag string, want, have any) {
		if fmt.Sprint(want) != fmt.Sprint(have) {
			bad = append(bad, fmt.Sprintf("%s %v (the checkpoint has %v)", flag, want, have))
		}
	}
	if set.Changed("epochs") {
		differ("--epochs", t.epochs, got.Epochs)
	}
	if set.Changed("patience") {
		differ("--patience", t.patience, got.Patience)
	}
	if set.Changed("seed") {
		differ("--seed", t.seed, got.Seed)
	}
	if t.summary != "" {
		differ("--summary", t.summary, got.Model.Summary.Kind)
	}
	if t.coupling != "" {
		differ("--flow", t.coupling, couplingName(got.Model.Flow.Coupling))
	}
	if set.Changed("preset") {
		p, err := train.Preset(t.preset)
		if err != nil {
			return err
		}
		// The preset's seed is a default, not a choice; options set by their
		// own flags are compared above.
		p.Seed = got.Seed
		if set.Changed("epochs") {
			p.Epochs = got.Epochs
		}
		if set.Changed("patience") {
			p.Patience = got.Patience
		}
		if t.summary != "" {
			p.Model.Summary = got.Model.Summary
		}
		if t.coupling != "" {
			p.Model.Flow.Coupling = got.Model.Flow.Coupling
		}
		if d := optionDiff(p, got); len(d) > 0 {
			bad = append(bad, fmt.Sprintf("--preset %s (%s)", t.preset, strings.Join(d, ", ")))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("train: --resume continues the run saved in %s with its own options; these contradict it: %s. Leave them out to resume, or start a new run with another -o",
			path, strings.Join(bad, "; "))
	}
	return nil
}

// couplingName returns a flow's coupling, "affine" for the default.
func couplingName(c string) string {
	if c == "" {
		return "affine"
	}
	return c
}

// optionDiff lists the fields in which a and b differ, as "name a, the
// checkpoint b", by their JSON encodings (the network by its summary kind
// and flow coupling, or as "network").
func optionDiff(a, b train.Options) []string {
	fields := func(o train.Options) map[string]json.RawMessage {
		js, _ := json.Marshal(o)
		var m map[string]json.RawMessage
		json.Unmarshal(js, &m)
		return m
	}
	fa, fb := fields(a), fields(b)
	var d []string
	for _, k := range slices.Sorted(maps.Keys(fa)) {
		if string(fa[k]) == string(fb[k]) {
			continue
		}
		switch {
		case k != "model":
			d = append(d, fmt.Sprintf("%s %s, the checkpoint %s", k, fa[k], fb[k]))
		case a.Model.Summary.Kind != b.Model.Summary.Kind:
			d = append(d, fmt.Sprintf("summary network %s, the checkpoint %s", a.Model.Summary.Kind, b.Model.Summary.Kind))
		case couplingName(a.Model.Flow.Coupling) != couplingName(b.Model.Flow.Coupling):
			d = append(d, fmt.Sprintf("flow %s, the checkpoint %s", couplingName(a.Model.Flow.Coupling), couplingName(b.Model.Flow.Coupling)))
		default:
			d = append(d, fmt.Sprintf("network %s, the checkpoint %s", fa[k], fb[k]))
		}
	}
	return d
}

// check refuses counts out of range, naming the flag.
func (t trainFlags) check(set *pflag.FlagSet) error {
	if set.Changed("epochs") {
		if err := positive("train", "--epochs", t.epochs); err != nil {
			return err
		}
	}
	switch t.coupling {
	case "", "affine", "spline":
	default:
		return fmt.Errorf("train: --flow %q: want affine or spline", t.coupling)
	}
	return zeroOrMore("train", "--patience", t.patience, "never stop early")
}
