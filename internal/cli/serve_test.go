package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesBadSettings: laa serve refuses, before listening, no
// model, a missing model file, a bad model name and an unknown log
// format, each with a message naming it.
func TestServeRefusesBadSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.laa")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--model is required"},
		{[]string{"serve", "--model", missing}, "none.laa"},
		{[]string{"serve", "--model", "bad/name=" + missing}, `model name "bad/name"`},
		{[]string{"serve", "--model", missing, "--log-format", "xml"}, "--log-format"},
	} {
		code, msg := run(c.args...)
		if code == 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, want an error mentioning %q:\n%s", c.args, code, c.want, msg)
		}
	}
}
