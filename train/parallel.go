package train

import (
	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/npe"
)

// parallel computes a batch's gradient with several model replicas that
// share weights, each on its own contiguous part of the batch, and sums
// the parts into the main model's gradients. The number of replicas is part
// of the training recipe (Options.Replicas; each part's gradient is summed
// in its own order), not of the machine: the split depends on it alone, so
// results do not depend on the number of cores. The replicas run through
// nn.Parallel, which shares the cores between them and the matrix products
// inside them: with fewer replicas than cores, the products spread over the
// idle ones; with one core, the replicas run one after the other.
type parallel struct {
	models []*npe.Model // models[0] is the model being trained
}

func newParallel(m *npe.Model, replicas int) (*parallel, error) {
	p := &parallel{models: []*npe.Model{m}}
	for range replicas - 1 {
		r, err := m.Replica()
		if err != nil {
			return nil, err
		}
		p.models = append(p.models, r)
	}
	return p, nil
}

// step zeroes the gradients, runs forward and backward on rows idx and
// leaves the gradient of the batch's mean loss in the main model. It
// returns that loss.
func (p *parallel) step(data *dataset.Set, idx []int) (float64, error) {
	main := p.models[0]
	if !main.Initialized() {
		// The flow initializes its ActNorm layers from the first batch, whole.
		obs, theta := batch(data, idx)
		if _, err := main.Loss(obs, theta); err != nil {
			return 0, err
		}
		for _, r := range p.models[1:] {
			r.MarkInitialized()
		}
	}
	n := len(p.models)
	// Part k of the batch is idx[bound[k]:bound[k+1]].
	bound := make([]int, n+1)
	for k := range bound {
		bound[k] = k * len(idx) / n
	}
	losses := make([]float64, n)
	errs := make([]error, n)
	nn.Parallel(n, func(k int) {
		m := p.models[k]
		for _, q := range m.Params() {
			q.Grad.Zero()
		}
		obs, theta := batch(data, idx[bound[k]:bound[k+1]])
		losses[k], errs[k] = m.Loss(obs, theta)
		if errs[k] == nil {
			m.Backward()
		}
	})
	total := 0.0
	share := make([]float32, n) // each part's gradient is of its own mean loss
	for k := range p.models {
		if errs[k] != nil {
			return 0, errs[k]
		}
		size := bound[k+1] - bound[k]
		total += losses[k] * float64(size)
		share[k] = float32(size) / float32(len(idx))
	}
	if n > 1 {
		replicas := make([][]*nn.Param, n)
		for k, m := range p.models {
			replicas[k] = m.Params()
		}
		// Parameter by parameter on idle cores: each value is combined
		// alike wherever it runs.
		nn.Parallel(len(replicas[0]), func(i int) {
			g := replicas[0][i].Grad.Data
			for j := range g {
				g[j] *= share[0]
			}
			for k := 1; k < n; k++ {
				rg := replicas[k][i].Grad.Data
				for j := range g {
					g[j] += share[k] * rg[j]
				}
			}
		})
	}
	return total / float64(len(idx)), nil
}
