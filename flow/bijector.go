package flow

import "github.com/laa-neuro/laa/nn"

// bijector is one invertible step of the flow, mapping theta towards z.
type bijector interface {
	// forward maps the rows of x to y under the contexts ctx (one row per
	// example), adds each row's log|det dy/dx| to logdet and caches what
	// backward needs.
	forward(x, ctx *nn.Mat, logdet []float32) *nn.Mat
	// backward takes dL/dy and dL/dlogdet (per row) for the last forward,
	// accumulates parameter gradients, adds dL/dctx into dctx and returns
	// dL/dx.
	backward(dy *nn.Mat, dlogdet []float32, dctx *nn.Mat) *nn.Mat
	// inverse maps y back to x when row i has context row i/rep of ctx, so
	// that draws sharing a context need not copy it.
	inverse(y, ctx *nn.Mat, rep int) *nn.Mat
	// params lists the trainable parameters in a fixed order.
	params() []*nn.Param
	// twin returns a step with the same parameters (shared, not copied)
	// and its own buffers, for inverse passes on another goroutine.
	twin() bijector
}
