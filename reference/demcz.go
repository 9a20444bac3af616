package reference

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// DE-MCz constants (ter Braak and Vrugt 2008) and the burn-in adaptation.
const (
	archiveEvery   = 10  // K: append the chains' states to the archive every K iterations
	jumpProb       = 0.1 // probability of gamma = 1 (mode jumping)
	snookerProb    = 0.1 // probability of a snooker update
	snookerLow     = 1.2 // gamma of the snooker update ~ U(snookerLow, snookerHigh)
	snookerHigh    = 2.2
	noiseRel       = 1e-4  // sd of e relative to the archive's sd, per dimension
	stepSpread     = 1.0   // scaled moves multiply gamma by exp(stepSpread N(0, 1)): long steps in wide tails, short in narrow necks
	targetAccept   = 0.234 // burn-in adapts the step multiplier towards this rate
	minLambda      = 1e-4  // bounds of the adapted step multiplier
	maxLambda      = 4.0
	outlierChecks  = 8   // outlier checks at 1/10 .. 8/10 of burn-in
	outlierIQR     = 2.0 // a chain is an outlier below Q1 - outlierIQR * IQR
	kdeFromCheck   = 5   // kernel-density moves from 5/10 of burn-in on, refitted every 1/10
	progressPieces = 100 // Progress calls per run
)

// Density is a log density up to a constant, -Inf outside its support. It
// must be safe for concurrent use.
type Density func(x []float64) float64

// BatchDensity writes the log density of every row of xs into out
// (len(out) == len(xs)). The sampler calls it once per generation with all
// chains' proposals. A returned error stops the run; a point where the
// density cannot be computed should get -Inf instead.
type BatchDensity func(xs [][]float64, out []float64) error

// Sample draws from the log density logp with DE-MCz (see the package
// documentation). opt.Init is required here: its rows (in logp's space,
// all of one length d >= 1) start the chains and seed the archive. The
// result's draws, R-hat and ESS are in the same space.
func Sample(logp BatchDensity, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	s, err := runDEMCz(logp, opt)
	if err != nil {
		return nil, err
	}
	return newResult(nil, s.chains, s.rhat, s.rhatErrs, s.acceptRate(), s.restarts), nil
}

// sampler is the state of one DE-MCz run.
type sampler struct {
	logp    BatchDensity
	opt     Options
	d, n    int
	rngs    []*rand.Rand
	x       [][]float64 // current states
	lp      []float64   // their log densities
	prop    [][]float64 // this generation's proposals
	plp     []float64   // their log densities
	corr    []float64   // log Hastings correction of the proposals
	logU    []float64   // log uniforms of the acceptance tests
	scaled  []bool      // proposal c is a scaled parallel-direction move
	archive [][]float64 // Z: past states
	zLo     int         // the archive in use is archive[zLo:]
	noise   []float64   // sd of e per dimension
	lambda  float64     // step multiplier, adapted during burn-in
	kde     *kde        // independence proposal (nil: none yet)
	kdeMove []bool      // proposal c comes from kde
	qx, qp  []float64   // log q of the current states and of the kde proposals
	qxOK    []bool      // qx[c] is up to date
	scratch [][]float64 // per-chain scratch of length scratchLen(d)

	it, total    int           // iterations done and planned (for Progress)
	sampled      int           // sampling iterations done
	acc, tried   int           // accepted and tried moves in the current phase
	accS, triedS int           // the same for scaled moves since the last adaptation
	chains       [][][]float64 // kept draws (chain x draw x d)
	restarts     int           // outlier chains restarted during burn-in
	rhat         []float64     // R-hat of the chains at the last check
	rhatErrs     []error       // why an R-hat is undefined
}

// runDEMCz runs burn-in, then rounds of opt.Iterations sampling iterations
// until the chains pass the R-hat and ESS checks or opt.MaxIterations is
// reached.
func runDEMCz(logp BatchDensity, opt Options) (*sampler, error) {
	s, err := newSampler(logp, opt)
	if err != nil {
		return nil, err
	}
	if err := s.burnin(); err != nil {
		return nil, err
	}
	for done := 0; done < opt.MaxIterations; {
		k := min(opt.Iterations, opt.MaxIterations-done)
		if err := s.sample(k); err != nil {
			return nil, err
		}
		done += k
		s.rhat, s.rhatErrs = rankRhats(s.chains, opt.Workers)
		if converged(s.rhat, essAll(s.chains)) {
			break
		}
	}
	return s, nil
}

// newSampler checks the initial population and starts the chains.
func newSampler(logp BatchDensity, opt Options) (*sampler, error) {
	if len(opt.Init) < 3 {
		return nil, fmt.Errorf("reference: the initial population has %d rows; need at least 3 (10 d recommended)", len(opt.Init))
	}
	d := len(opt.Init[0])
	if d == 0 {
		return nil, fmt.Errorf("reference: zero-dimensional initial population")
	}
	s := &sampler{logp: logp, opt: opt, d: d, n: opt.Chains, lambda: 1, chains: make([][][]float64, opt.Chains)}
	for i, row := range opt.Init {
		if len(row) != d {
			return nil, fmt.Errorf("reference: initial row %d has %d values, want %d", i, len(row), d)
		}
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("reference: initial row %d is not finite: %v", i, row)
			}
		}
		s.archive = append(s.archive, slices.Clone(row))
	}
	if err := s.start(); err != nil {
		return nil, err
	}
	s.updateNoise()
	s.total = opt.Burnin + opt.Iterations
	return s, nil
}

// burnin runs opt.Burnin iterations with a sliding archive, step-size
// adaptation and outlier restarts, then clears the acceptance counts.
func (s *sampler) burnin() error {
	b := s.opt.Burnin
	checkEvery := max(1, b/10)
	lpSum := make([]float64, s.n)
	lpCount := 0
	for i := range b {
		if err := s.iterate(true); err != nil {
			return err
		}
		// Outlier checks use the second half of each check interval.
		if i%checkEvery >= checkEvery/2 {
			for c := range s.n {
				lpSum[c] += s.lp[c]
			}
			lpCount++
		}
		if (i+1)%checkEvery == 0 {
			k := (i + 1) / checkEvery
			if k <= outlierChecks && lpCount > 0 {
				s.restarts += s.resetOutliers(lpSum, lpCount)
			}
			if k >= kdeFromCheck && i+1 < b {
				s.fitKDE()
			}
			clear(lpSum)
			lpCount = 0
		}
	}
	s.acc, s.tried = 0, 0
	return nil
}

// sample runs k more sampling iterations and keeps every opt.Thin-th state.
func (s *sampler) sample(k int) error {
	s.total = max(s.total, s.it+k)
	if s.sampled == 0 {
		s.fitKDE()
	}
	for range k {
		if err := s.iterate(false); err != nil {
			return err
		}
		s.sampled++
		if s.sampled%kdeRefitEvery == 0 {
			s.fitKDE()
		}
		if s.sampled%s.opt.Thin == 0 {
			for c := range s.n {
				s.chains[c] = append(s.chains[c], slices.Clone(s.x[c]))
			}
		}
	}
	return nil
}

// iterate runs one generation, grows the archive every archiveEvery
// iterations (adapting the step multiplier during burn-in) and reports
// progress.
func (s *sampler) iterate(burn bool) error {
	if err := s.opt.Context.Err(); err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	if err := s.step(); err != nil {
		return err
	}
	s.it++
	if s.it%archiveEvery == 0 {
		s.grow(burn)
		if burn && s.triedS > 0 {
			s.lambda *= math.Exp(float64(s.accS)/float64(s.triedS) - targetAccept)
			s.lambda = min(max(s.lambda, minLambda), maxLambda)
		}
		s.accS, s.triedS = 0, 0
	}
	if p := s.opt.Progress; p != nil && (s.it%max(1, s.total/progressPieces) == 0 || s.it == s.total) {
		p(Progress{Iteration: s.it, Total: s.total, Burnin: burn, AcceptRate: s.acceptRate()})
	}
	return nil
}

// fitKDE fits the independence proposal to the archive in use.
func (s *sampler) fitKDE() {
	s.kde = fitKDE(s.archive[s.zLo:])
	clear(s.qxOK)
}

// acceptRate is the acceptance rate of the current phase.
func (s *sampler) acceptRate() float64 { return float64(s.acc) / float64(max(s.tried, 1)) }

// start evaluates the initial rows and starts the chains at the first
// opt.Chains rows with a finite log density.
func (s *sampler) start() error {
	lp := make([]float64, len(s.archive))
	if err := s.logp(s.archive, lp); err != nil {
		return fmt.Errorf("reference: initial population: %w", err)
	}
	for i, v := range lp {
		if len(s.x) == s.n {
			break
		}
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s.x = append(s.x, slices.Clone(s.archive[i]))
			s.lp = append(s.lp, v)
		}
	}
	if len(s.x) < s.n {
		return fmt.Errorf("reference: only %d of %d initial rows have a finite log density; %d chains need as many", len(s.x), len(s.archive), s.n)
	}
	s.rngs = make([]*rand.Rand, s.n)
	s.prop = make([][]float64, s.n)
	for c := range s.n {
		s.rngs[c] = rand.New(rand.NewPCG(s.opt.Seed, uint64(c)))
		s.prop[c] = make([]float64, s.d)
	}
	s.plp, s.corr, s.logU = make([]float64, s.n), make([]float64, s.n), make([]float64, s.n)
	s.scaled, s.kdeMove, s.qxOK = make([]bool, s.n), make([]bool, s.n), make([]bool, s.n)
	s.qx, s.qp = make([]float64, s.n), make([]float64, s.n)
	s.scratch = make([][]float64, s.n)
	for c := range s.scratch {
		s.scratch[c] = make([]float64, scratchLen(s.d))
	}
	return nil
}

// step runs one generation: every chain proposes, all proposals are
// evaluated in one batch, and each chain accepts or rejects.
func (s *sampler) step() error {
	parallelRange(s.n, s.opt.Workers, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			s.propose(c)
		}
	})
	if err := s.logp(s.prop, s.plp); err != nil {
		return fmt.Errorf("reference: log density: %w", err)
	}
	for c := range s.n {
		r := s.plp[c] - s.lp[c] + s.corr[c]
		ok := !math.IsNaN(r) && s.logU[c] < r
		if ok {
			copy(s.x[c], s.prop[c])
			s.lp[c] = s.plp[c]
			s.qx[c], s.qxOK[c] = s.qp[c], s.kdeMove[c]
			s.acc++
		}
		s.tried++
		if s.scaled[c] {
			s.triedS++
			if ok {
				s.accS++
			}
		}
	}
	return nil
}
