// Package nn is laa's small neural-network engine: float32 matrices, layers
// with explicit forward and backward passes, and the Adam optimizer.
//
// Every layer caches what its backward pass needs during Forward, so a layer
// instance appears once per computation graph. Backward accumulates parameter
// gradients into Param.Grad and returns the gradient with respect to the input.
// Matrices are row-major with one example per row (batch x features).
// Sequences come in two layouts: the LSTM's is time-major ((steps*B) x C,
// row t*B+b holds x_b(t, ·)); the convolutional layers' (Conv1D, AvgPool1D)
// is batch-major, one example per row, B x (steps*C) with x_b(t, c) at
// column t*C+c, so that a flatten is free and im2col copies C contiguous
// values per tap.
//
// Layers keep their buffers across calls: the matrices Forward and Backward
// return belong to the layer, stay valid until its next call, and must not be
// modified; Forward keeps a reference to its input until Backward. Clone
// what must outlive the next call. A layer is not safe for concurrent use.
//
// Matrix products go through a Backend (DefaultBackend): a pure-Go AVX2+FMA
// kernel (Asm) on CPUs that have them, gonum's BLAS elsewhere, OpenBLAS when
// built with -tags openblas (needs cgo and libopenblas-dev).
package nn

import "fmt"

// Mat is a dense row-major float32 matrix.
type Mat struct {
	Rows, Cols int
	Data       []float32
}

// NewMat returns a zero rows x cols matrix.
func NewMat(rows, cols int) *Mat {
	return &Mat{Rows: rows, Cols: cols, Data: make([]float32, rows*cols)}
}

// MatFrom wraps data (not copied) as a rows x cols matrix.
func MatFrom(rows, cols int, data []float32) (*Mat, error) {
	if len(data) != rows*cols {
		return nil, fmt.Errorf("nn: %d values for a %dx%d matrix", len(data), rows, cols)
	}
	return &Mat{Rows: rows, Cols: cols, Data: data}, nil
}

// At returns element (i, j).
func (m *Mat) At(i, j int) float32 { return m.Data[i*m.Cols+j] }

// Set sets element (i, j).
func (m *Mat) Set(i, j int, v float32) { m.Data[i*m.Cols+j] = v }

// Row returns row i as a slice sharing m's storage.
func (m *Mat) Row(i int) []float32 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// Zero sets every element to 0.
func (m *Mat) Zero() { clear(m.Data) }

// Clone returns a deep copy.
func (m *Mat) Clone() *Mat {
	return &Mat{Rows: m.Rows, Cols: m.Cols, Data: append([]float32(nil), m.Data...)}
}

// Param is a trainable tensor with its accumulated gradient.
type Param struct {
	Name  string
	Value *Mat
	Grad  *Mat
}

// NewParam returns a named zero parameter of the given shape.
func NewParam(name string, rows, cols int) *Param {
	return &Param{Name: name, Value: NewMat(rows, cols), Grad: NewMat(rows, cols)}
}

// Layer maps a batch to a batch and back-propagates through itself.
type Layer interface {
	// Forward computes the output for x and caches what Backward needs.
	Forward(x *Mat) *Mat
	// Backward takes dLoss/dOutput, accumulates parameter gradients and
	// returns dLoss/dInput.
	Backward(dy *Mat) *Mat
	// Params lists the trainable parameters (nil for none), in a fixed order.
	Params() []*Param
}

// reuse returns m reshaped to rows x cols when its storage is large enough,
// or a new matrix otherwise. The contents are unspecified: callers overwrite
// them. Layers use it to keep their buffers across calls.
func reuse(m *Mat, rows, cols int) *Mat {
	if m == nil || cap(m.Data) < rows*cols {
		return NewMat(rows, cols)
	}
	m.Rows, m.Cols, m.Data = rows, cols, m.Data[:rows*cols]
	return m
}

// sameShape panics unless a and b have the same shape.
func sameShape(op string, a, b *Mat) {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("nn: %s: shape %dx%d, want %dx%d", op, a.Rows, a.Cols, b.Rows, b.Cols))
	}
}
