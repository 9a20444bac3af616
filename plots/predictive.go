package plots

import (
	"gonum.org/v1/plot/vg"
)

// PredictiveCheck holds an observed trace and the posterior predictive
// distribution at the same times, summarised by quantiles.
type PredictiveCheck struct {
	Time     []float64 // increasing sample times
	Observed []float64 // the observed trace
	Median   []float64 // predictive median
	// Lower50 and Upper50 bound the central 50 % predictive band,
	// Lower90 and Upper90 the central 90 % band.
	Lower50, Upper50, Lower90, Upper90 []float64
	// Stimulus, if not nil, is the injected current at Time; it is drawn
	// in a panel underneath.
	Stimulus []float64
	Axes     TraceAxes
}

// Predictive draws a posterior predictive check: the 90 % and 50 %
// predictive bands, their median and the observed trace, over the stimulus.
func Predictive(in PredictiveCheck) (*Figure, error) {
	if err := series(col{"predictive Time", in.Time}, col{"predictive Observed", in.Observed},
		col{"predictive Median", in.Median},
		col{"predictive Lower50", in.Lower50}, col{"predictive Upper50", in.Upper50},
		col{"predictive Lower90", in.Lower90}, col{"predictive Upper90", in.Upper90}); err != nil {
		return nil, err
	}
	if err := increasing("predictive Time", in.Time); err != nil {
		return nil, err
	}
	if err := ordered("predictive Lower50", in.Lower50, "predictive Upper50", in.Upper50); err != nil {
		return nil, err
	}
	if err := ordered("predictive Lower90", in.Lower90, "predictive Upper90", in.Upper90); err != nil {
		return nil, err
	}
	ax := in.Axes.withDefaults()
	b90, err := band(in.Time, in.Lower90, in.Upper90, withAlpha(colorMain, 55))
	if err != nil {
		return nil, err
	}
	b50, err := band(in.Time, in.Lower50, in.Upper50, withAlpha(colorMain, 110))
	if err != nil {
		return nil, err
	}
	med, err := line(in.Time, in.Median, colorMain, vg.Points(1.5), false)
	if err != nil {
		return nil, err
	}
	obs, err := line(in.Time, in.Observed, colorTruth, vg.Points(1), false)
	if err != nil {
		return nil, err
	}
	p := newPlot("", "", ax.Trace)
	p.Add(b90, b50, med, obs)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.Add("observed", obs)
	p.Legend.Add("predictive median", med)
	p.Legend.Add("50 % predictive band", b50)
	p.Legend.Add("90 % predictive band", b90)
	f, err := overStimulus(p, in.Time, in.Stimulus, ax)
	if err != nil {
		return nil, err
	}
	f.Title = "Posterior predictive check"
	return f, nil
}
