package serve_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/laa-neuro/laa/internal/cli"
)

// TestSameDrawsAsLaaInfer: a recording posted to the API gives, byte for
// byte, the draws file laa infer writes for it with the same seed and
// draws, on the amortized and on the exact (importance sampling) route,
// and the same summary as laa infer --json prints (which is pure JSON).
func TestSameDrawsAsLaaInfer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testConfig, 300)
	for _, c := range []struct {
		exact bool
		seed  int
	}{{false, 11}, {true, 1}} {
		out := filepath.Join(t.TempDir(), "infer")
		var stdout, stderr bytes.Buffer
		code := cli.Main([]string{"infer", "-q", "--model", f.modelPath, "--trace", f.tracePath, "--draws", "400", "--seed", fmt.Sprint(c.seed),
			fmt.Sprintf("--exact=%v", c.exact), "-o", out, "--json"}, &stdout, &stderr)
		if code != 0 {
			t.Fatalf("laa infer: exit %d: %s", code, stderr.String())
		}
		var cliSum struct{ Traces []map[string]any }
		dec := json.NewDecoder(&stdout)
		if err := dec.Decode(&cliSum); err != nil || dec.More() || len(cliSum.Traces) != 1 {
			t.Fatalf("laa infer --json: %v, more %v: %s", err, dec.More(), stdout.String())
		}
		want, err := os.ReadFile(filepath.Join(out, "obs.draws.npy"))
		if err != nil {
			t.Fatal(err)
		}
		q := fmt.Sprintf("/v1/models/m/infer?draws=400&seed=%d&exact=%v", c.seed, c.exact)
		status, _, npy := f.upload(t, q+"&format=npy", "obs.csv", f.csv)
		if status != 200 || !bytes.Equal(npy, want) {
			t.Errorf("exact=%v: the API's draws (status %d, %d bytes) differ from laa infer's (%d bytes)", c.exact, status, len(npy), len(want))
		}
		status, _, body := f.upload(t, q, "obs.csv", f.csv)
		var api struct{ Summary map[string]any }
		if err := json.Unmarshal(body, &api); status != 200 || err != nil {
			t.Fatalf("status %d, %v: %s", status, err, body)
		}
		// What may differ: the source (the file's path there, the upload's
		// name here), the time taken, the flag's spelling in the amortized
		// route's reason, and the typicality p-value unless the seed is 1,
		// from which the server simulates its typicality reference once.
		for _, m := range []map[string]any{cliSum.Traces[0], api.Summary} {
			delete(m, "source")
			post := m["posterior"].(map[string]any)
			delete(post, "seconds")
			if !c.exact {
				delete(post, "reason")
			}
			if c.seed != 1 {
				delete(m, "typicality")
			}
		}
		a, _ := json.Marshal(cliSum.Traces[0])
		b, _ := json.Marshal(api.Summary)
		if !bytes.Equal(a, b) {
			t.Errorf("exact=%v: summaries differ:\nlaa infer --json: %s\nAPI:              %s", c.exact, a, b)
		}
		if route := api.Summary["posterior"].(map[string]any)["route"]; c.exact && route != "importance sampling" {
			t.Errorf("exact route: %v", route)
		}
	}
}
