package cli

import (
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/laa-neuro/laa/npe"
)

// TestTrainOnShards trains on the shards of a run: in memory (the shards
// joined) the weights are those of training on the merged file; streamed
// (--stream yes, shards named by a pattern) the same twice. The closing
// line reports load, train and total time.
func TestTrainOnShards(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, s := range []string{"1/2", "2/2"} {
		if code, out := run("simulate", "-n", "700", "--seed", "4", "--shard", s, "-o", p("s"+s[:1]+".npz")); code != 0 {
			t.Fatal(out)
		}
	}
	if code, out := run("merge", "-o", p("merged.npz"), p("s1.npz"), p("s2.npz")); code != 0 {
		t.Fatal(out)
	}
	train := func(model string, flags ...string) []float32 {
		t.Helper()
		code, out := run(append([]string{"train", "--preset", "mlp", "--epochs", "1", "-o", p(model)}, flags...)...)
		if code != 0 {
			t.Fatal(out)
		}
		if !regexp.MustCompile(`load [0-9.]+ s, train [0-9.]+ s, total [0-9.]+ s`).MatchString(out) {
			t.Fatalf("no load, train and total times in %q", out)
		}
		m, _, err := npe.Load(p(model))
		if err != nil {
			t.Fatal(err)
		}
		return npe.FlatParams(m.Params())
	}
	merged := train("merged.laa", "--data", p("merged.npz"))
	joined := train("joined.laa", "--data", p("s2.npz"), "--data", p("s1.npz"))
	if !slices.Equal(merged, joined) {
		t.Fatal("training on the shards in memory differs from training on the merged file")
	}
	a := train("a.laa", "--data", p("s*.npz"), "--stream=yes")
	b := train("b.laa", "--data", p("s*.npz"), "--stream=yes")
	if !slices.Equal(a, b) {
		t.Fatal("two streamed runs on the same shards differ")
	}
	if slices.Equal(a, merged) {
		t.Fatal("the streamed run equals the one in memory: was it streamed?")
	}
	if code, out := run("train", "--data", p("none*.npz"), "-o", p("c.laa")); code != 1 || !regexp.MustCompile(`matches no file`).MatchString(out) {
		t.Fatalf("a pattern matching nothing: %d %q", code, out)
	}
}
