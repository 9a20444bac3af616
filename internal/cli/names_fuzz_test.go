package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSafeName: whatever a file names a sweep, safeName makes one local
// path element of at most MaxNameBytes bytes, made of the allowed
// characters, that does not start with a dot; a safe name is kept as is.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"obs", "../../x", "/etc/passwd", `..\x`, ".", "", "data_00010_AD0", "é\x00\xff", strings.Repeat("a/", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeName(s)
		if got == "" || len(got) > MaxNameBytes || got[0] == '.' || !filepath.IsLocal(got) || filepath.Base(got) != got {
			t.Fatalf("safeName(%q) = %q", s, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				t.Fatalf("safeName(%q) = %q holds %q", s, got, r)
			}
		}
		if safeName(got) != got {
			t.Fatalf("safeName is not idempotent on %q: %q", got, safeName(got))
		}
	})
}
