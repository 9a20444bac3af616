// Package reference computes the exact posterior of the LAA neuron's
// parameters by likelihood-based MCMC, as a reference to check the neural
// posterior against.
//
// With observation noise only (sigma_obs, no intrinsic noise) the trace is a
// deterministic function of theta plus independent Gaussian noise, so the
// likelihood is exact:
//
//	log p(x | theta) = sum_i log N(x_i; V_theta(t_i), sigma_obs^2).
//
// LogPosterior adds the log prior to it and samples it; Sample draws from
// any log density, which is how the sampler is tested against closed forms.
//
// # Sampler
//
// The sampler is differential-evolution MCMC with sampling from the past and
// snooker updates, DE-MCz (ter Braak and Vrugt 2008, Statistics and
// Computing 18:435), plus a kernel-density independence move. Many chains
// propose moves along the difference of two states drawn from a shared
// archive Z of past states:
//
//	x' = x + gamma (z1 - z2) + e,  gamma = lambda 2.38 / sqrt(2 d) exp(N(0, 1)),  e small,
//
// with gamma = 1 for one such move in ten (a jump between modes: the
// difference of states in two modes carries a chain from one to the other),
// and a snooker update (a move along the line through x and an archive
// state) for one in ten. Why DE-MCz for the LAA posterior:
//   - the proposal follows the shape of the archive, so it adapts to strong
//     correlations (C_m with g_L, k with V_thr) and to scale without tuning a
//     covariance matrix (it is affine invariant);
//   - the gamma = 1 jumps, the snooker move and the kernel-density move
//     cross between modes that the archive has seen, which per-chain
//     adaptive Metropolis cannot;
//   - proposals depend on the archive, not on the other chains' current
//     states, so all chains' proposals form one batch: one call of the
//     batched simulator (32 trajectories in lockstep) per block of chains
//     per iteration, spread over all cores.
//
// Plain DE-MCz mixes slowly on the long, thin, curved ridges that LAA
// posteriors often have (when a trace never activates, k, V_thr, g_L and
// E_L trade off along a curve), so half of the moves are independence
// Metropolis-Hastings moves from q, a mixture of Gaussians on 512 archive
// points whose covariances are the scatter of each point's 4 d nearest
// neighbours: q follows the ridge, and an accepted move lands anywhere
// along it. q is refitted to the archive every 500 iterations (diminishing
// adaptation, as the archive of DE-MCz itself; Holden et al. 2009 treat
// adaptive independence samplers), and the random factor exp(N(0, 1)) on
// gamma gives long steps in wide tails and short ones in narrow necks.
//
// Burn-in adds three things, all switched off afterwards: the archive is a
// sliding window over the most recent half of the history, so early,
// far-off states drop out; lambda is adapted towards an acceptance rate of
// 0.234 (which gamma gives when the archive matches a Gaussian target); and
// outlier chains, whose mean log density over the second half of a tenth
// of burn-in lies below Q1 - 2 IQR of all chains' (DREAM's rule, Vrugt et
// al. 2009), restart from the best chain's state.
//
// The sampler works in an unconstrained space: log for lognormal priors,
// logit for uniform priors, the identity for normal priors, with the log
// Jacobian in the target. Results are in the natural parameters.
//
// Every random draw comes from an explicit seed: chain c draws only from its
// own stream (seed, c), so the same seed gives the same draws whatever the
// number of workers.
//
// # Convergence
//
// After burn-in the chains run rounds of Options.Iterations until every
// parameter has rank-normalized split R-hat <= 1.01 and ESS >= 400 (Vehtari
// et al. 2021; computed by package diagnose), or Options.MaxIterations is
// reached. Result.Warnings then flags R-hat > 1.01, ESS < 400, and an
// acceptance rate below 0.1.
package reference
