// Command laa performs amortized Bayesian inference of LAA neuron parameters.
package main

func main() {}
