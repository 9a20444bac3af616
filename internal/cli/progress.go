package cli

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// newBar returns a progress bar with count, rate and ETA on stderr, or a
// silent one with --quiet.
func (e *env) newBar(total int, what, unit string) *progressbar.ProgressBar {
	w := e.stderr
	if e.quiet {
		w = io.Discard
	} else {
		barsShown.Store(true)
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	)
}

// progress returns a done-of-total callback that shows a bar, made on the
// first call, when the total is known.
func (e *env) progress(what, unit string) func(done, total int) {
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = e.newBar(total, what, unit)
		}
		bar.Set(done)
	}
}
