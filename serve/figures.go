package serve

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/laa-neuro/laa/exact"
	"github.com/laa-neuro/laa/plots"
	"github.com/laa-neuro/laa/workflow"
)

// figures draws the posterior of res as SVG: the marginals (amortized
// against corrected draws when the posterior was corrected), the pairs
// plot and, with a predictive check, the predictive bands over the trace
// ("predictive"), else the trace alone ("trace").
func figures(inf *workflow.Inferences, res *InferResponse) (map[string]string, error) {
	t := inf.Traces[0]
	params := make([]plots.Param, len(inf.Names))
	for j := range params {
		params[j] = plots.Param{Name: inf.Names[j], Unit: inf.Units[j]}
	}
	panels := make([]plots.MarginalPanel, len(params))
	corrected := t.Posterior.Route != exact.Amortized
	for j := range panels {
		panels[j] = plots.MarginalPanel{Param: params[j], A: column(t.Posterior.Draws, j)}
		if corrected {
			panels[j].A, panels[j].B = column(t.Amortized.Draws, j), column(t.Posterior.Draws, j)
		}
	}
	out := map[string]string{}
	add := func(name string, f *plots.Figure, err error) error {
		if err != nil {
			return fmt.Errorf("figure %s: %w", name, err)
		}
		var b bytes.Buffer
		c := vgsvg.New(f.Width, f.Height)
		f.Draw(draw.New(c))
		if _, err := c.WriteTo(&b); err != nil {
			return fmt.Errorf("figure %s: %w", name, err)
		}
		out[name] = b.String()
		return nil
	}
	nameA, nameB := "posterior", ""
	if corrected {
		nameA, nameB = "amortized", string(t.Posterior.Route)
	}
	f, err := plots.Marginals(panels, nameA, nameB, nil)
	if err := add("marginals", f, err); err != nil {
		return nil, err
	}
	f, err = plots.Pairs(params, t.Posterior.Draws, nil, 0)
	if err := add("pairs", f, err); err != nil {
		return nil, err
	}
	if p := res.Predictive; p != nil {
		f, err = plots.Predictive(plots.PredictiveCheck{Time: res.Trace.Time, Observed: res.Trace.Voltage, Median: p.Q50,
			Lower50: p.Q25, Upper50: p.Q75, Lower90: p.Q05, Upper90: p.Q95, Stimulus: res.Trace.Current})
		if err := add("predictive", f, err); err != nil {
			return nil, err
		}
	} else { // the trace alone, as the model sees it
		f, err = plots.Traces(plots.TraceSet{Time: res.Trace.Time, Traces: [][]float64{res.Trace.Voltage}, Labels: []string{"prepared"}, Stimulus: res.Trace.Current})
		if err := add("trace", f, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// column returns column j of rows.
func column(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[j]
	}
	return out
}
