package recording

import (
	"strings"
	"testing"
)

// TestMessagesRounded: the 200 kHz, 140 ms recording asked for a
// 600 ms window says where it ends as 139.995 ms, not 139.99500000000012.
func TestMessagesRounded(t *testing.T) {
	t.Parallel()
	rec := synth(200000, 140, zero, zero)
	_, err := Prepare(rec, PrepareOptions{})
	if err == nil || !strings.Contains(err.Error(), "needs samples up to 599 ms, but the recording ends at 139.995 ms") {
		t.Fatalf("error %v; want the ends rounded", err)
	}
	for _, c := range []struct {
		v    float64
		sig  int
		want string
	}{
		{139.99500000000012, 6, "139.995"}, {0.1 + 0.2, 6, "0.3"}, {1234567.891, 6, "1234570"},
		{-65.00000001, 4, "-65"}, {1.0000000000000002e-4, 4, "0.0001"}, {2.5e-7, 4, "2.5e-07"}, {0, 4, "0"},
	} {
		if got := fmtSig(c.v, c.sig); got != c.want {
			t.Errorf("fmtSig(%v, %d) = %q; want %q", c.v, c.sig, got, c.want)
		}
	}
}
