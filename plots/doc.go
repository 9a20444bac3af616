// Package plots draws the figures of an inference run with gonum/plot.
//
// Each figure has its own file and a constructor that takes plain data
// (slices and small input structs defined here, never results of other
// packages), checks it for emptiness, NaN, Inf and mismatched lengths,
// and returns a *Figure: one or more *plot.Plot laid out on a grid.
// Save writes a figure as name.png and name.svg.
//
// Parameter names and units are inputs (see Param), so the same figures
// serve any parameter set.
package plots
