// Package workflow runs laa's whole job from a Go program: simulate a
// training and a held-out set, train the amortized posterior, assess it
// (calibration on the held-out set, recordings, the comparison with the
// exact posterior) and write the HTML report, each step one call:
//
//	cfg := neuron.Default()
//	trainSet, _ := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 100000, Seed: 1})
//	testSet, _ := workflow.Simulate(ctx, cfg, workflow.SimulateOptions{N: 1000, Seed: 2})
//	m, hist, _ := workflow.Train(ctx, trainSet, workflow.TrainOptions{Preset: "quick", Seed: 1})
//	a, _ := workflow.Assess(ctx, m, testSet, workflow.AssessOptions{Seed: 1, History: &hist})
//	_ = workflow.Report(a, "report")
//
// A model of your own (package model: a Go type, or a description read by
// package external) takes SimulateModel in place of Simulate and the small
// preset; Train, Assess, Report and Infer are the same calls:
//
//	lg, _ := gaussianlinear.New(3, 10, 1, 1, 7)
//	trainSet, _ := workflow.SimulateModel(ctx, lg, workflow.SimulateOptions{N: 100000, Seed: 1})
//	m, hist, _ := workflow.Train(ctx, trainSet, workflow.TrainOptions{Preset: "small", Seed: 1})
//
// Assess returns everything the report shows, complete: nothing is added
// to its result afterwards, and Report writes it whole. The package's
// Example runs these steps at a small size ('go test -run Example'). The
// 'laa demo' and 'laa growth' commands are thin layers over this package,
// and give the same numbers for the same seed as these calls do.
//
// Every random draw comes from the seeds in the options. A Progress
// callback, when given, is told how far each stage has come; the command
// line draws progress bars from it. The context is checked between stages
// (and between the models of a growth experiment): a stage under way
// finishes before the cancellation is seen.
package workflow
