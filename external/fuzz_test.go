package external

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any text is a model or an error, never a panic; a model's
// spec decodes to a model with the same spec.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodYAML))
	for _, name := range []string{"linear_gaussian.yaml", "sines.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name: m\nparameters: [{name: a, prior: {dist: lognormal, median: 1, sigma_log: 0.5}}]\nobservation: {length: 3}\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		m, err := Parse(text, "testdata")
		if err != nil {
			return
		}
		spec, err := m.Spec()
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(spec)
		if err != nil {
			t.Fatalf("spec %s of a parsed model does not decode: %v", spec, err)
		}
		again, err := got.Spec()
		if err != nil || string(again) != string(spec) {
			t.Fatalf("spec changed in a round trip (%v):\n%s\n%s", err, spec, again)
		}
	})
}

// FuzzDecode: any spec is a model or an error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"name":"m","parameters":[{"name":"a","prior":{"dist":"normal","sd":1}}],"observation":{"length":2}}`))
	f.Add([]byte(`{"name":"m","parameters":[{"name":"a","prior":{"dist":"uniform","low":0,"high":1}}],"observation":{"length":2},"simulator":{"command":["/bin/sh","x.sh"],"batch":5,"timeout_s":3},"dir":"/tmp","file":"/tmp/m.yaml"}`))
	f.Fuzz(func(t *testing.T, spec []byte) {
		m, err := Decode(spec)
		if err != nil {
			return
		}
		if _, err := m.Spec(); err != nil {
			t.Fatal(err)
		}
	})
}
