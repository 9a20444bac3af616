package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// TraceAxes labels the axes of trace figures; empty fields take the
// defaults "time (ms)", "V (mV)" and "I_ext (uA/cm2)".
type TraceAxes struct {
	Time, Trace, Stimulus string
}

// withDefaults fills empty labels.
func (a TraceAxes) withDefaults() TraceAxes {
	if a.Time == "" {
		a.Time = "time (ms)"
	}
	if a.Trace == "" {
		a.Trace = "V (mV)"
	}
	if a.Stimulus == "" {
		a.Stimulus = "I_ext (uA/cm2)"
	}
	return a
}

// TraceSet is a set of traces on one time axis, such as draws from the
// prior predictive distribution.
type TraceSet struct {
	Time   []float64   // increasing sample times
	Traces [][]float64 // one slice per trace, as long as Time
	Labels []string    // nil, or one legend entry per trace
	// Stimulus, if not nil, is the injected current at Time; it is drawn
	// in a panel underneath.
	Stimulus []float64
	Axes     TraceAxes
}

// Traces draws several traces over the stimulus, e.g. the prior
// predictive view.
func Traces(in TraceSet) (*Figure, error) {
	if err := finite("traces Time", in.Time); err != nil {
		return nil, err
	}
	if err := increasing("traces Time", in.Time); err != nil {
		return nil, err
	}
	if len(in.Traces) == 0 {
		return nil, fmt.Errorf("plots: traces: no traces")
	}
	if in.Labels != nil && len(in.Labels) != len(in.Traces) {
		return nil, fmt.Errorf("plots: traces: %d labels for %d traces", len(in.Labels), len(in.Traces))
	}
	ax := in.Axes.withDefaults()
	p := newPlot("", "", ax.Trace)
	for i, tr := range in.Traces {
		if err := series(col{"traces Time", in.Time}, col{fmt.Sprintf("traces[%d]", i), tr}); err != nil {
			return nil, err
		}
		l, err := line(in.Time, tr, plotutil.Color(i), vg.Points(1), false)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		if in.Labels != nil {
			p.Legend.Add(in.Labels[i], l)
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	f, err := overStimulus(p, in.Time, in.Stimulus, ax)
	if err != nil {
		return nil, err
	}
	f.Title = fmt.Sprintf("%d simulated traces", len(in.Traces))
	return f, nil
}

// overStimulus stacks top over a short stimulus panel sharing its time
// axis; with no stimulus the figure is top alone, labelled with time.
func overStimulus(top *plot.Plot, time, stim []float64, ax TraceAxes) (*Figure, error) {
	top.X.Min, top.X.Max = time[0], time[len(time)-1]
	if stim == nil {
		top.X.Label.Text = ax.Time
		f := NewFigure(top)
		f.Width, f.Height = 2.5*panelWidth, 1.5*panelHeight
		return f, nil
	}
	if err := series(col{"time", time}, col{"stimulus", stim}); err != nil {
		return nil, err
	}
	l, err := line(time, stim, colorRef, vg.Points(1.2), false)
	if err != nil {
		return nil, err
	}
	bottom := newPlot("", ax.Time, ax.Stimulus)
	bottom.Add(l)
	bottom.Y.Tick.Marker = niceTicks{n: 2}
	bottom.X.Min, bottom.X.Max = top.X.Min, top.X.Max
	top.X.Tick.Marker = unlabelled{}
	return &Figure{
		Panels:     [][]*plot.Plot{{top}, {bottom}},
		RowHeights: []float64{3, 1},
		Width:      2.5 * panelWidth, Height: 2 * panelHeight,
	}, nil
}
