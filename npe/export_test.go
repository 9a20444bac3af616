package npe

// Test hooks for the external tests (package npe_test), which use
// internal/testmodel and so cannot be in package npe.

// Decode is decode without reading any legacy stimulus file.
func Decode(b []byte) (*Model, Extra, error) { return decode(b, false) }

// Encode is encode: the bytes Save writes.
func Encode(m *Model, extra Extra) ([]byte, error) { return encode(m, extra) }

// ErrUnchecked marks a damaged file whose damage only decode's recover caught.
var ErrUnchecked = errUnchecked

// NumParams is the weight count init computes before it allocates.
func NumParams(m *Model) int { return m.numParams() }
