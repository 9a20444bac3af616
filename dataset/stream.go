package dataset

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/laa-neuro/laa/model"
)

// Stream reads a data set that need not fit in memory, rows at a time:
// one .npz, or the shards of one run ('laa simulate --shard i/K'), which
// must tile a contiguous range of it as Merge requires. Rows are numbered
// across the shards in the order of their start index, so a stream over
// shards reads the rows the merged file holds, in its order. A Stream is
// not safe for concurrent use.
//
// Opening reads the metadata, the array headers, the time grid and
// stimulus, and checks one row of each shard; Rows reads any range of rows
// from the file at its offset, and Scan* read an array from beginning to
// end through the zip reader, which checks its size and checksum. Every
// range read is checked as Read checks a set (finite values, parameters in
// their priors' support). Streamed arrays must be stored uncompressed
// (numpy.savez, 'laa simulate', 'laa merge') in C order: a deflated or
// Fortran-ordered array cannot be read at an offset, and is refused
// naming the file.
type Stream struct {
	// Meta is the metadata of the first shard, with Start its start.
	Meta Meta
	// N rows in all; P parameters, T values per observation and S
	// statistics per row.
	N, P, T, S int
	// Time and Stimulus are the grid and input every row shares.
	Time, Stimulus []float64
	// Warnings are what Read would warn of, each after its file's path.
	Warnings []string

	model model.Model
	parts []*streamPart
	spent time.Duration // reading, since the stream was opened
}

// ReadTime returns the time spent opening the stream and reading it.
func (s *Stream) ReadTime() time.Duration { return s.spent }

// streamPart is one file of a stream.
type streamPart struct {
	z       *NPZ
	first   int // its first row in the stream
	n       int
	meta    Meta
	theta   arrayAt
	obs     arrayAt
	stats   arrayAt // of the statistics; zero when there are none or they are the observations
	name    string  // of the observations' array: "traces" or "x"
	warning string  // Read's warning about the file's metadata, if any
}

// arrayAt locates an array's data in its file.
type arrayAt struct {
	h    *npyHeader
	off  int64 // file offset of its first element
	name string
}

// OpenStream opens the data sets in paths (one file, or shards of one
// run in any order) for reading rows at a time. Each must carry laa's
// metadata.
func OpenStream(paths []string) (*Stream, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("dataset: no data set to stream")
	}
	t0 := time.Now()
	var zs []*NPZ
	for _, p := range paths {
		z, err := OpenNPZ(p)
		if err != nil {
			for _, z := range zs {
				z.Close()
			}
			return nil, err
		}
		zs = append(zs, z)
	}
	s, err := streamOf(zs)
	if err != nil {
		for _, z := range zs {
			z.Close()
		}
		return nil, err
	}
	s.spent = time.Since(t0) // with the first rows join read
	return s, nil
}

// streamOf makes a stream of open archives.
func streamOf(zs []*NPZ) (*Stream, error) {
	s := &Stream{}
	for _, z := range zs {
		part := &streamPart{z: z}
		if err := part.open(); err != nil {
			return nil, err
		}
		s.parts = append(s.parts, part)
	}
	if err := s.join(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close closes the files of the stream.
func (s *Stream) Close() error {
	var first error
	for _, p := range s.parts {
		if err := p.z.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Paths returns the stream's files in row order.
func (s *Stream) Paths() []string {
	out := make([]string, len(s.parts))
	for i, p := range s.parts {
		out[i] = p.z.path
	}
	return out
}

// Model returns the model the stream's rows were simulated from.
func (s *Stream) Model() model.Model { return s.model }

// open reads a part's metadata and the positions of its row arrays.
func (p *streamPart) open() error {
	z := p.z
	if !z.Has("meta") {
		return fmt.Errorf("%s: no laa metadata: only a set written by laa (simulate, merge) is streamed; read it in memory or write it again with laa", z.path)
	}
	text, err := z.String("meta")
	if err != nil {
		return err
	}
	m := &p.meta
	if err := json.Unmarshal([]byte(text), m); err != nil {
		return fmt.Errorf("%s: metadata: %w", z.path, err)
	}
	if m.Format != FormatName || m.Version != FormatVersion {
		return fmt.Errorf("%s: metadata says format %q version %d, want %q version %d", z.path, m.Format, m.Version, FormatName, FormatVersion)
	}
	if m.Model == nil {
		if p.warning, err = m.Config.EmbedLegacyStimulus(); err != nil {
			return fmt.Errorf("%s: metadata: %w", z.path, err)
		}
	}
	p.name = "traces"
	if m.Model != nil && z.Has("x") {
		p.name = "x"
	}
	if p.theta, err = p.locate("theta"); err != nil {
		return err
	}
	if p.obs, err = p.locate(p.name); err != nil {
		return err
	}
	p.n = p.theta.h.shape[0]
	if p.obs.h.shape[0] != p.n {
		return fmt.Errorf("%s: %s has shape %s, want (%d, T): one row per row of theta", z.path, p.name, ShapeString(p.obs.h.shape), p.n)
	}
	identity := m.Model != nil && slices.Equal(m.StatNames, IdentityFeatureNames(p.obs.h.shape[1]))
	if len(m.StatNames) > 0 && !identity {
		if p.stats, err = p.locate("stats"); err != nil {
			return err
		}
		if p.stats.h.shape[0] != p.n || p.stats.h.shape[1] != len(m.StatNames) {
			return fmt.Errorf("%s: stats have shape %s, want (%d, %d)", z.path, ShapeString(p.stats.h.shape), p.n, len(m.StatNames))
		}
	}
	return nil
}

// locate parses the header of a 2-D float array and finds its data.
func (p *streamPart) locate(name string) (arrayAt, error) {
	var h *npyHeader
	err := p.z.read(name, func(hh *npyHeader) error {
		switch {
		case hh.kind != 'f':
			return fmt.Errorf("dtype %s, want float32 or float64", hh.descr)
		case len(hh.shape) != 2 || hh.shape[0] < 1 || hh.shape[1] < 1:
			return fmt.Errorf("shape %s, want rows and columns", ShapeString(hh.shape))
		case hh.fortran && hh.shape[0] > 1 && hh.shape[1] > 1:
			return fmt.Errorf("stored in Fortran order, which cannot be read a row at a time: write it in C order")
		}
		h = hh
		return nil
	}, nil)
	if err != nil {
		return arrayAt{}, err
	}
	f := p.z.entries[name]
	if f.Method != 0 {
		return arrayAt{}, fmt.Errorf("%s: array %q is compressed, which cannot be read a row at a time: write the set uncompressed (laa merge %s -o new.npz) or train on it in memory", p.z.path, name, p.z.path)
	}
	off, err := f.DataOffset() // checked by read: the entry lies inside the file
	if err != nil {
		return arrayAt{}, fmt.Errorf("%s: array %q: %w", p.z.path, name, err)
	}
	return arrayAt{h: h, off: off + h.hdrLen, name: name}, nil
}

// join orders the parts by start and checks that they are shards of one
// run that tile a contiguous range of it, as Merge checks, and that each
// one's first row reads as a valid set.
func (s *Stream) join() error {
	slices.SortStableFunc(s.parts, func(a, b *streamPart) int { return cmp.Compare(a.meta.Start, b.meta.Start) })
	first := s.parts[0]
	ref, _ := json.Marshal([]any{first.meta.Config, first.meta.Model})
	s.Meta = first.meta
	s.P, s.T, s.S = first.theta.h.shape[1], first.obs.h.shape[1], len(first.meta.StatNames)
	next := first.meta.Start
	for i, p := range s.parts {
		cfg, _ := json.Marshal([]any{p.meta.Config, p.meta.Model})
		switch {
		case p.meta.Seed != first.meta.Seed:
			return fmt.Errorf("dataset: %s has seed %d, %s has %d", p.z.path, p.meta.Seed, first.z.path, first.meta.Seed)
		case string(cfg) != string(ref) || !slices.Equal(p.meta.Names, first.meta.Names) || !slices.Equal(p.meta.StatNames, first.meta.StatNames):
			return fmt.Errorf("dataset: %s was made with another configuration than %s", p.z.path, first.z.path)
		case p.meta.Total != first.meta.Total:
			return fmt.Errorf("dataset: %s belongs to a run of %d, not %d", p.z.path, p.meta.Total, first.meta.Total)
		case p.meta.Start != next:
			return fmt.Errorf("dataset: the shards leave a gap or overlap at simulation %d (%s starts at %d)", next, p.z.path, p.meta.Start)
		case p.theta.h.shape[1] != s.P || p.obs.h.shape[1] != s.T:
			return fmt.Errorf("dataset: %s has %d parameters and %d values per row, %s has %d and %d", p.z.path, p.theta.h.shape[1], p.obs.h.shape[1], first.z.path, s.P, s.T)
		case p.n < 1 || p.n > p.meta.Total-p.meta.Start:
			return fmt.Errorf("dataset: %s: simulations %d to %d cannot be part of a run of %d", p.z.path, p.meta.Start, int64(p.meta.Start)+int64(p.n)-1, p.meta.Total)
		}
		if p.warning != "" {
			s.Warnings = append(s.Warnings, p.z.path+": "+p.warning)
		}
		p.first = s.N
		next += p.n
		s.N += p.n
		if err := s.grid(i == 0, p); err != nil {
			return err
		}
	}
	proto := &Set{Meta: s.Meta}
	m, err := proto.Model()
	if err != nil {
		return fmt.Errorf("%s: metadata: %w", first.z.path, err)
	}
	s.model = m
	for _, p := range s.parts {
		if _, err := s.Rows(p.first, p.first+1); err != nil {
			return err
		}
	}
	return nil
}

// grid reads a part's time grid and stimulus; the first part's are the
// stream's, and every other part must have the same.
func (s *Stream) grid(first bool, p *streamPart) error {
	var t, st []float64
	var err error
	if p.z.Has("time_ms") {
		if t, _, err = p.z.Floats("time_ms"); err != nil {
			return err
		}
	}
	if p.z.Has("stimulus") {
		if st, _, err = p.z.Floats("stimulus"); err != nil {
			return err
		}
	}
	if first {
		s.Time, s.Stimulus = t, st
		return nil
	}
	if !slices.Equal(t, s.Time) || !slices.Equal(st, s.Stimulus) {
		return fmt.Errorf("dataset: %s has another time grid or stimulus than %s", p.z.path, s.parts[0].z.path)
	}
	return nil
}

// identity reports whether the stream's statistics are its observations.
func (s *Stream) identity() bool {
	return s.Meta.Model != nil && s.S > 0 && slices.Equal(s.Meta.StatNames, IdentityFeatureNames(s.T))
}

// Rows reads rows [lo, hi) of the stream as a set (its Meta.Start the
// first row's index in the run), checked as Read checks a set.
func (s *Stream) Rows(lo, hi int) (*Set, error) {
	out := &Set{}
	if err := s.AppendRows(out, lo, hi); err != nil {
		return nil, err
	}
	return out, nil
}

// AppendRows reads rows [lo, hi) of the stream onto the end of dst,
// reusing the capacity of its arrays, and checks them as Read checks a
// set. An empty dst (N = 0) is made a set of the stream first (its
// Meta.Start the index of row lo in the run); rows appended later keep
// that metadata, so that dst is a buffer of rows, not a range of the run.
func (s *Stream) AppendRows(dst *Set, lo, hi int) error {
	defer s.clock(time.Now())
	if lo < 0 || hi > s.N || lo >= hi {
		return fmt.Errorf("dataset: rows [%d, %d) of a stream of %d", lo, hi, s.N)
	}
	if dst.N == 0 {
		*dst = Set{Meta: s.Meta, P: s.P, T: s.T, Time: s.Time, Stimulus: s.Stimulus,
			Theta: dst.Theta[:0], Traces: dst.Traces[:0], Stats: dst.Stats[:0]}
		dst.Meta.Start = s.start(lo)
		if s.identity() {
			dst.Stats = nil
		}
	}
	n := hi - lo
	// On an error dst is cut back to what it held, so that its arrays stay
	// aligned with dst.N for the next call.
	theta0, traces0, stats0 := dst.Theta, dst.Traces, dst.Stats
	undo := func(err error) error {
		dst.Theta, dst.Traces, dst.Stats = theta0, traces0, stats0
		return err
	}
	grow := func(v []float32, per int) ([]float32, []float32) {
		v = slices.Grow(v, n*per)[:len(v)+n*per]
		return v, v[len(v)-n*per:]
	}
	dst.Theta = slices.Grow(dst.Theta, n*s.P)[:len(dst.Theta)+n*s.P]
	th := dst.Theta[len(dst.Theta)-n*s.P:]
	var traces, stats []float32
	dst.Traces, traces = grow(dst.Traces, s.T)
	if !s.identity() {
		dst.Stats, stats = grow(dst.Stats, s.S)
	}
	for _, p := range s.parts {
		a, b := max(lo, p.first), min(hi, p.first+p.n)
		if a >= b {
			continue
		}
		o, k := a-lo, b-a
		if err := readRows(p, p.theta, a-p.first, th[o*s.P:(o+k)*s.P]); err != nil {
			return undo(err)
		}
		if err := readRows(p, p.obs, a-p.first, traces[o*s.T:(o+k)*s.T]); err != nil {
			return undo(err)
		}
		if p.stats.h != nil {
			if err := readRows(p, p.stats, a-p.first, stats[o*s.S:(o+k)*s.S]); err != nil {
				return undo(err)
			}
		}
	}
	if s.identity() {
		dst.Stats, stats = dst.Traces, traces
	}
	rows := &Set{Meta: s.Meta, N: n, P: s.P, T: s.T, Theta: th, Traces: traces, Stats: stats, Time: s.Time, Stimulus: s.Stimulus}
	rows.Meta.Start = s.start(lo)
	if err := rows.validateWith(s.model); err != nil {
		return undo(fmt.Errorf("%s: rows %d to %d: %w", s.parts[0].z.path, lo, hi-1, err))
	}
	dst.N += n
	return nil
}

// start returns the index in the run of row i of the stream.
func (s *Stream) start(i int) int {
	for _, p := range s.parts {
		if i < p.first+p.n {
			return p.meta.Start + i - p.first
		}
	}
	return s.Meta.Start + i
}

// readRows reads the rows of array a that fill out, from row row on.
func readRows[T float32 | float64](p *streamPart, a arrayAt, row int, out []T) error {
	cols := a.h.shape[1]
	off := a.off + int64(row)*int64(cols)*a.h.size
	r := io.NewSectionReader(p.z.at, off, int64(len(out))*a.h.size)
	if err := decodeInto(r, a.h, out, row*cols); err != nil {
		return fmt.Errorf("%s: array %q: %w", p.z.path, a.name, err)
	}
	return nil
}

// ScanTheta passes the parameters to fn in order, rows rows at a time
// (fewer at the end of each file): lo is the index of the first, v holds
// them row by row. Each array is read from beginning to end through the
// zip reader, so its size and checksum are checked, as are its values
// (finite, inside the support of their priors); fn may keep no v.
func (s *Stream) ScanTheta(rows int, fn func(lo int, v []float64) error) error {
	priors, names := model.Priors(s.model), model.Names(s.model)
	return scan(s, func(p *streamPart) arrayAt { return p.theta }, rows, func(lo int, v []float64) error {
		for i, x := range v {
			if pr := priors[i%s.P]; !pr.InSupport(x) {
				return fmt.Errorf("dataset: theta row %d: %s = %g is outside the support of its prior %v", lo+i/s.P, names[i%s.P], x, pr)
			}
		}
		return fn(lo, v)
	})
}

// ScanObservations passes the observations to fn as ScanTheta passes the
// parameters.
func (s *Stream) ScanObservations(rows int, fn func(lo int, v []float32) error) error {
	return scan(s, func(p *streamPart) arrayAt { return p.obs }, rows, fn)
}

// ScanStats passes the statistics to fn as ScanTheta passes the
// parameters (the observations when they are the features); nothing
// when the set has none.
func (s *Stream) ScanStats(rows int, fn func(lo int, v []float32) error) error {
	switch {
	case s.S == 0:
		return nil
	case s.identity():
		return s.ScanObservations(rows, fn)
	}
	return scan(s, func(p *streamPart) arrayAt { return p.stats }, rows, fn)
}

// scan reads the array pick chooses of every part from beginning to end,
// rows rows at a time, through one buffer.
func scan[T float32 | float64](s *Stream, pick func(p *streamPart) arrayAt, rows int, fn func(lo int, v []T) error) error {
	rows = max(rows, 1)
	t0 := time.Now()
	defer func() { s.spent += time.Since(t0) }()
	var buf []T
	for _, p := range s.parts {
		a := pick(p)
		cols := a.h.shape[1]
		if buf == nil {
			most := 0 // the most rows one part holds, which bounds the buffer by the data
			for _, q := range s.parts {
				most = max(most, q.n)
			}
			rows = min(rows, max(most, 1))
			buf = make([]T, rows*cols)
		}
		err := p.z.read(a.name, nil, func(h *npyHeader, r io.Reader) error {
			for done := 0; done < p.n; {
				k := min(rows, p.n-done)
				v := buf[:k*cols]
				if err := decodeInto(r, h, v, done*cols); err != nil {
					return err
				}
				if err := checkFinite("", v, []int{k, cols}); err != nil {
					return fmt.Errorf("from row %d: %w", done, err)
				}
				s.spent += time.Since(t0) // fn's time is not reading
				err := fn(p.first+done, v)
				t0 = time.Now()
				if err != nil {
					return err
				}
				done += k
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// clock adds the time since t0 to the reading time.
func (s *Stream) clock(t0 time.Time) { s.spent += time.Since(t0) }
