//go:build !purego

package main

// purego is true in builds with -tags purego, where neuron runs its scalar stage.
const purego = false
