package recording

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSafeName: whatever a file names a sweep, SafeName makes one local
// path element of at most MaxNameBytes bytes, made of the allowed
// characters, that does not start with a dot; a safe name is kept as is.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"obs", "../../x", "/etc/passwd", `..\x`, ".", "", "data_00010_AD0", "é\x00\xff", strings.Repeat("a/", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeName(s)
		if got == "" || len(got) > MaxNameBytes || got[0] == '.' || !filepath.IsLocal(got) || filepath.Base(got) != got {
			t.Fatalf("SafeName(%q) = %q", s, got)
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				t.Fatalf("SafeName(%q) = %q holds %q", s, got, r)
			}
		}
		if SafeName(got) != got {
			t.Fatalf("SafeName is not idempotent on %q: %q", got, SafeName(got))
		}
	})
}

// TestSafeName: names from inside files become one harmless path element.
func TestSafeName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 300)
	for _, c := range []struct{ in, want string }{
		{"obs", "obs"},
		{"data_00010_AD0", "data_00010_AD0"},
		{"../../x", "___.._x"},
		{"/etc/passwd", "_etc_passwd"},
		{`..\..\x`, "___.._x"},
		{".hidden", "_hidden"},
		{"..", "__"},
		{"", "trace"},
		{"a b:c*d?é", "a_b_c_d__"},
		{"nul\x00byte", "nul_byte"},
		{long, long[:MaxNameBytes]},
	} {
		got := SafeName(c.in)
		if got != c.want {
			t.Errorf("SafeName(%q) = %q, want %q", c.in, got, c.want)
		}
		if !filepath.IsLocal(got) || strings.ContainsAny(got, `/\`) || len(got) > MaxNameBytes {
			t.Errorf("SafeName(%q) = %q is not one local path element", c.in, got)
		}
	}
}
