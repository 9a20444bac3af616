package diagnose

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestResultsMarshal checks that results encode as JSON (no NaN or Inf) with
// their snake_case tags.
func TestResultsMarshal(t *testing.T) {
	t.Parallel()
	truths, draws := conjugate(60, 50, 20, []float64{1}, 1)
	sbc, err := SBC(truths, draws, SBCConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cov, _ := Coverage(truths, draws, CoverageConfig{})
	rec, _ := Recovery(truths, draws, RecoveryConfig{})
	sum, _ := Summarize(draws[0], 0)
	for _, v := range []any{sbc, cov, rec, sum} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"param":0`) {
			t.Errorf("no param field in %.80s", b)
		}
	}
}
