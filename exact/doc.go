// Package exact turns the amortized (neural) posterior of one observation
// into the exact posterior, where the likelihood is tractable: Gaussian
// observation noise and no intrinsic noise, the case in which
// reference.NewLogPosterior gives the unnormalized log posterior.
//
// # Routes
//
// Every result names the route its draws took:
//
//   - "importance sampling": S proposals theta_s from the neural posterior
//     q(theta | x) (S = ProposalFactor x the requested draws; Posterior
//     draws 30 % of them from a twice wider flow, a defensive mixture, see
//     Neural), weighted by
//     log w_s = log p(theta_s) + log p(x | theta_s) - log q(theta_s | x),
//     the weights Pareto-smoothed (diagnose.PSIS, Vehtari et al. 2024) and
//     the requested number of draws resampled from them. Taken when the
//     Pareto k-hat is at most the sample-size-dependent threshold
//     min(1 - 1/log10 S, 0.7) and the effective sample size is at least
//     reference.MinESS (the bar the MCMC sampler's draws must clear too).
//     When the first stage fails either test and the proposal's density
//     can be evaluated anywhere (Density), an adaptive stage follows: a
//     multivariate Student-t (5 degrees of freedom) is fitted to the
//     weighted first-stage draws in the free coordinates of Options.Space
//     (log and logit for bounded parameters), with its covariance inflated
//     1.5 x in sd and floored by a tenth of the proposals' own covariance;
//     S more draws come from it, and all 2 S draws are weighted against the
//     equal mixture of the two proposals (deterministic-mixture weights,
//     Owen and Zhou 2000) and smoothed again. The neural posterior of a
//     poorly trained model is often too wide and off centre by a few
//     posterior sds; the t, centred by the weights, then covers the exact
//     posterior closely. The route is still "importance sampling"; the
//     reason says "adaptive".
//   - "MCMC": when both stages fail. The likelihood-based sampler of
//     package reference runs with its chains started from the neural draws,
//     and the requested number of draws is subsampled at random from its
//     chains. Its convergence warnings (R-hat, ESS, acceptance) are passed
//     on.
//   - "amortized": the neural draws themselves, when the likelihood is
//     intractable (intrinsic noise) or the correction is switched off.
//
// # Resampling
//
// Draws are resampled from the smoothed weights by systematic resampling
// (Kitagawa 1996; with replacement): one uniform offset u and the points
// (u + i)/n, i = 0..n-1, on the cumulative weights, so proposal s appears
// floor(n w_s) or ceil(n w_s) times and in expectation n w_s times, with
// less added noise than independent multinomial draws. Proposals are
// independent draws, so their order carries nothing; the resampled draws
// are shuffled all the same.
//
// Randomness comes from Options.Seed only: proposals, resampling and the
// MCMC fallback each draw from their own stream of it.
package exact
