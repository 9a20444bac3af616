// Package features computes hand-made summary statistics of a membrane
// voltage trace, the input of an MLP summary network.
//
// A trace v holds voltages in mV at times t_i = i*dt (dt in ms); stim holds
// the injected current (uA/cm2) at the same times. A Layout is derived once
// per stimulus protocol: it splits stim into epochs (maximal runs of constant
// current, see FindEpochs) and fixes the list of feature names. Compute then
// fills one feature vector per trace without allocating; a Layout is safe for
// concurrent use.
//
// The features, in order (k is an epoch index, see Layout.Names):
//
//	rest_mean, rest_sd   mean and sd of v over the initial zero-current epoch
//	stepk_steady         mean of v over the last SteadyFraction of epoch k
//	stepk_tau            time constant (ms) of the approach from the steady level
//	                     of epoch k-1 (or the first sample) to stepk_steady
//	stepk_ncross         upward threshold crossings within epoch k
//	stepk_latency        time from the onset of epoch k to its first crossing (ms)
//	post_level           mean of v over the final zero-current epoch minus rest_mean
//	v_mean, v_sd, v_skew, v_kurt   moments of the whole trace (kurtosis in excess)
//	spike_count, isi_mean, isi_cv  with Options.Spiking
//	stepk_spikes         spikes within epoch k, with Options.Spiking
//
// The rest features exist when the first epoch has zero current; every other
// epoch is a step. post_level exists when there is a rest epoch and the last
// epoch has zero current too. For the default staircase of docs/model.md (epochs
// 0, 0.5, 1.0, 1.5, 0 uA/cm2) that gives 23 features, 30 with spiking.
//
// Every feature is finite for every finite trace. Where a statistic is
// undefined a documented fallback takes its place: a time constant of 0 when
// the level changes by less than Options.MinChange, a latency equal to the
// epoch length when nothing crosses, skewness and excess kurtosis 0 for a
// constant trace, an ISI mean equal to the trace length and a CV of 0 with
// fewer than two spikes.
package features
