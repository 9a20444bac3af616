package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// meter shows how far a task has come: a progress bar on a terminal,
// plain lines in a log (lineMeter). *progressbar.ProgressBar is one.
type meter interface {
	Add(n int) error
	Set(done int) error
	Describe(text string)
	Finish() error
}

// isTerminal tells whether w is a terminal, where a bar redrawn with
// carriage returns reads well; in a file or a pipe it leaves dozens of them.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newBar returns a meter of total units on stderr: a progress bar with
// count, rate and ETA on a terminal, plain lines every 10 % or 10 s
// otherwise, nothing with --quiet.
func (e *env) newBar(total int, what, unit string) meter {
	if e.quiet {
		return progressbar.NewOptions(total, progressbar.OptionSetWriter(io.Discard))
	}
	if !e.terminal {
		return newLineMeter(e.stderr, total, what, unit, time.Now)
	}
	barsShown.Store(true)
	w := e.stderr
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

// progress returns a done-of-total callback that shows a meter, made on
// the first call, when the total is known.
func (e *env) progress(what, unit string) func(done, total int) {
	var bar meter
	return func(done, total int) {
		if bar == nil {
			bar = e.newBar(total, what, unit)
		}
		bar.Set(done)
	}
}

// Where a lineMeter writes a line: at each further tenth of the total,
// and when lineEvery has passed since its last line.
const lineEvery = 10 * time.Second

// lineMeter is a meter for logs: one line each time the count passes
// another 10 % of the total or lineEvery has passed, saying what, how
// many of how many, the rate and the time left, as in
//
//	simulate: 3000/10000 sims (30%), 1520 sims/s, ETA 5s
//
// It is not safe for concurrent use (nor is a bar).
type lineMeter struct {
	w           io.Writer
	what, unit  string
	text        string // from Describe, shown after the count
	total, done int
	now         func() time.Time
	start, last time.Time // the meter's start and its last line
	tenth       int       // tenths of the total reached at the last line
	shown       int       // done at the last line; -1 before the first
}

func newLineMeter(w io.Writer, total int, what, unit string, now func() time.Time) *lineMeter {
	t := now()
	return &lineMeter{w: w, what: what, unit: unit, total: total, now: now, start: t, last: t, shown: -1}
}

// Add counts n more units.
func (m *lineMeter) Add(n int) error { return m.Set(m.done + n) }

// Set records done units and writes a line when another tenth of the
// total or lineEvery has passed since the last one.
func (m *lineMeter) Set(done int) error {
	m.done = done
	t := m.now()
	if tenth := m.tenths(); tenth > m.tenth || t.Sub(m.last) >= lineEvery {
		m.tenth = max(m.tenth, tenth)
		return m.line(t)
	}
	return nil
}

// Describe sets a text shown after the count in the following lines
// (the epoch and losses of a training).
func (m *lineMeter) Describe(text string) { m.text = text }

// Finish writes the last count unless a line has shown it.
func (m *lineMeter) Finish() error {
	if m.done == m.shown {
		return nil
	}
	return m.line(m.now())
}

func (m *lineMeter) tenths() int {
	if m.total <= 0 {
		return 0
	}
	return int(10 * int64(m.done) / int64(m.total))
}

func (m *lineMeter) line(t time.Time) error {
	m.last, m.shown = t, m.done
	s := fmt.Sprintf("%s: %d/%d %s", m.what, m.done, m.total, m.unit)
	if m.unit == "%" { // a count of percent (the MCMC's): no second percentage
		s = fmt.Sprintf("%s: %d%%", m.what, m.done)
	} else if m.total > 0 {
		s += fmt.Sprintf(" (%d%%)", 100*int64(m.done)/int64(m.total))
	}
	if sec := t.Sub(m.start).Seconds(); sec > 0 && m.done > 0 {
		rate := float64(m.done) / sec
		s += fmt.Sprintf(", %s %s/s", strconv.FormatFloat(rate, 'f', max(0, 2-int(math.Floor(math.Log10(rate)))), 64), m.unit)
		if m.done < m.total {
			eta := time.Duration(float64(m.total-m.done) / rate * float64(time.Second))
			s += ", ETA " + eta.Round(time.Second).String()
		} else {
			s += ", took " + t.Sub(m.start).Round(10*time.Millisecond).String()
		}
	}
	if m.text != "" {
		s += "; " + m.text
	}
	_, err := fmt.Fprintln(m.w, s)
	return err
}
