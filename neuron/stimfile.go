package neuron

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/laa-neuro/laa/inputfile"
)

// Limits of a stimulus file. A stimulus is a list of piecewise-constant
// breakpoints: even one per RK4 step of a long recording (10 s at dt =
// 0.01 ms is 10^6 steps) fits both, and a file of at most 16 MiB is read
// in well under a second.
const (
	// MaxStimulusFileBytes is the largest stimulus file read, in bytes.
	MaxStimulusFileBytes = 16 << 20
	// MaxStimulusRows is the most breakpoints a stimulus (a file, a
	// staircase) may hold.
	MaxStimulusRows = 1 << 20
)

// ReadStimulusFile reads a stimulus CSV: a header line, then rows of
// "time_ms,current" (current in uA/cm2) giving piecewise-constant
// breakpoints in increasing time. Blank lines and lines starting with # are
// skipped. Only a regular file is read (no device, pipe or directory), of at
// most MaxStimulusFileBytes and MaxStimulusRows rows. Any bad row is an
// error naming its line and what is wrong with it, never its text.
func ReadStimulusFile(path string) (times, levels []float64, err error) {
	f, err := inputfile.Open(path, MaxStimulusFileBytes, "MaxStimulusFileBytes")
	if err != nil {
		return nil, nil, fmt.Errorf("stimulus file: %w", err)
	}
	defer f.Close()
	return ReadStimulus(f, path)
}

// StimulusFromFile reads a stimulus file with ReadStimulusFile and returns
// the file stimulus that embeds its breakpoints, with path as its File.
func StimulusFromFile(path string) (Stimulus, error) {
	times, levels, err := ReadStimulusFile(path)
	if err != nil {
		return Stimulus{}, err
	}
	return Stimulus{Kind: StimFile, File: path, Times: times, Levels: levels}, nil
}

// ReadStimulus reads the stimulus CSV format of ReadStimulusFile from r;
// name labels errors. It reads at most MaxStimulusFileBytes bytes and
// MaxStimulusRows rows.
func ReadStimulus(r io.Reader, name string) (times, levels []float64, err error) {
	lr := &io.LimitedReader{R: r, N: MaxStimulusFileBytes + 1}
	cr := csv.NewReader(lr)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header := true
	for {
		rec, err := cr.Read()
		if lr.N <= 0 {
			return nil, nil, fmt.Errorf("stimulus file %q: more than MaxStimulusFileBytes = %d bytes", name, MaxStimulusFileBytes)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// ParseError names the line and column, never the text.
				return nil, nil, fmt.Errorf("stimulus file %q line %d: %w", name, pe.Line, pe.Err)
			}
			return nil, nil, fmt.Errorf("stimulus file %q: %w", name, err)
		}
		line := 0
		if len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if header {
			header = false
			if len(rec) > 0 {
				if _, err := strconv.ParseFloat(strings.TrimSpace(rec[0]), 64); err != nil {
					continue // a header row
				}
			}
		}
		if len(rec) != 2 {
			return nil, nil, fmt.Errorf("stimulus file %q line %d: want 2 columns (time_ms, current), got %d", name, line, len(rec))
		}
		if len(times) == MaxStimulusRows {
			return nil, nil, fmt.Errorf("stimulus file %q line %d: more than MaxStimulusRows = %d rows", name, line, MaxStimulusRows)
		}
		t, err := number(rec[0])
		if err != nil {
			return nil, nil, fmt.Errorf("stimulus file %q line %d: time_ms %w", name, line, err)
		}
		v, err := number(rec[1])
		if err != nil {
			return nil, nil, fmt.Errorf("stimulus file %q line %d: current %w", name, line, err)
		}
		if n := len(times); n > 0 && !(t > times[n-1]) {
			return nil, nil, fmt.Errorf("stimulus file %q line %d: time %g ms does not increase", name, line, t)
		}
		times = append(times, t)
		levels = append(levels, v)
	}
	if len(times) == 0 {
		return nil, nil, fmt.Errorf("stimulus file %q: no rows", name)
	}
	return times, levels, nil
}

// number parses one CSV field as a finite number. Its errors describe the
// problem without quoting the field.
func number(field string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, errors.New("is out of the range of float64")
	case err != nil:
		return 0, errors.New("is not a number")
	case math.IsNaN(x):
		return 0, errors.New("is NaN")
	case math.IsInf(x, 0):
		return 0, errors.New("is infinite")
	}
	return x, nil
}
