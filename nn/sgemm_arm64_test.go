//go:build !(openblas && cgo)

package nn

import "testing"

// TestAsmNEON checks that arm64 builds use the NEON kernel: Asm runs its
// own kernel (the tests of Asm then run it rather than skip), and it is
// the default backend, named go-neon.
func TestAsmNEON(t *testing.T) {
	if !AsmSupported() {
		t.Fatal("AsmSupported() = false on arm64")
	}
	if got := (Asm{}).Name(); got != "go-neon" {
		t.Errorf("Asm{}.Name() = %q, want go-neon", got)
	}
	if got := BackendName(); got != "go-neon" {
		t.Errorf("BackendName() = %q, want go-neon", got)
	}
}
