// Package diagnose computes the diagnostics of amortized posterior inference
// as pure functions: simulation-based calibration (ranks, chi-square and KS
// tests, ECDF with simultaneous bands), coverage of central credible
// intervals, bias, NRMSE, contraction and z-scores, posterior summaries, MMD
// typicality tests, classifier two-sample tests, Wasserstein distances, MCMC
// convergence (split R-hat, ESS), posterior predictive checks, the joint
// calibration test TARP and Pareto-smoothed importance sampling (PSIS).
//
// Nothing here draws; the plots package turns the results into figures. Every
// result is a plain struct with JSON tags, and warnings travel inside it.
//
// Conventions:
//   - the posterior draws for one observation are a [][]float64 of S draws by
//     P parameters;
//   - a set of M held-out simulations is truths (M x P) with draws
//     (M x S x P): draws[m] are the posterior draws given simulation m;
//   - per-parameter results carry the parameter's column index in Param;
//   - randomness comes from an explicit seed; stream i of seed s is
//     rand.NewPCG(s, i), so results do not depend on the number of workers.
package diagnose
