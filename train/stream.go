package train

import (
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/nn"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/prior"
)

// Streaming defaults (docs/streaming.md).
const (
	// DefaultChunkRows is the rows read at once: 4,096 LAA simulations
	// are about 10 MB.
	DefaultChunkRows = 4096
	// DefaultBufferChunks is the chunks whose rows are shuffled together.
	DefaultBufferChunks = 8
	// minChunks is the fewest chunks a stream is cut into, so that the
	// validation share, a whole number of chunks, is within 1/minChunks of
	// ValFraction.
	minChunks = 64
)

// feed gives the training loop its data: the batches of an epoch in a
// seeded random order and the validation loss.
type feed interface {
	check(m *npe.Model) error
	trainRows() int
	// epoch passes the epoch's batches of size rows in order to step,
	// ordered by rng; a last partial batch is dropped.
	epoch(rng *rand.Rand, size int, step func(data *dataset.Set, idx []int) error) error
	validate(m *npe.Model) (float64, error)
}

// memFeed is a data set in memory: a seeded split of its rows and a full
// shuffle of the training rows every epoch.
type memFeed struct {
	data                   *dataset.Set
	trainIdx, valIdx, perm []int
}

func newMemFeed(data *dataset.Set, opt Options) *memFeed {
	trainIdx, valIdx := split(data.N, opt.ValFraction, opt.Seed)
	return &memFeed{data: data, trainIdx: trainIdx, valIdx: valIdx, perm: slices.Clone(trainIdx)}
}

func (f *memFeed) check(m *npe.Model) error { return m.CheckSet(f.data) }
func (f *memFeed) trainRows() int           { return len(f.trainIdx) }

func (f *memFeed) epoch(rng *rand.Rand, size int, step func(*dataset.Set, []int) error) error {
	order := f.perm
	copy(order, f.trainIdx) // the epoch's order depends on the random state alone
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for s := range len(order) / size {
		if err := step(f.data, order[s*size:(s+1)*size]); err != nil {
			return err
		}
	}
	return nil
}

func (f *memFeed) validate(m *npe.Model) (float64, error) { return Evaluate(m, f.data, f.valIdx) }

// chunk is rows [lo, hi) of a stream.
type chunk struct{ lo, hi int }

// streamFeed reads a data set chunk by chunk: whole chunks, chosen by a
// seeded permutation, are the validation rows; every epoch visits the
// training chunks in an order drawn from the training stream, and
// shuffles the rows of BufferChunks chunks at a time (docs/streaming.md).
type streamFeed struct {
	src        *dataset.Stream
	train, val []chunk
	buffer     int         // chunks shuffled together
	rows       int         // training rows
	buf        rowBuffer   // reused by every epoch
	val1       dataset.Set // one validation chunk, reused
}

// chunking returns the rows of a chunk for a stream of n rows: at most
// want, and few enough for minChunks chunks.
func chunking(n, want int) int {
	return max(1, min(want, (n+minChunks-1)/minChunks))
}

func newStreamFeed(src *dataset.Stream, opt Options) (*streamFeed, error) {
	size := chunking(src.N, opt.ChunkRows)
	var all []chunk
	for lo := 0; lo < src.N; lo += size {
		all = append(all, chunk{lo, min(lo+size, src.N)})
	}
	perm := rand.New(rand.NewPCG(opt.Seed, 0x76616c)).Perm(len(all))
	nVal := max(1, int(math.Round(opt.ValFraction*float64(len(all)))))
	if nVal >= len(all) {
		return nil, fmt.Errorf("train: %d simulations make %d chunks, too few to hold out validation chunks", src.N, len(all))
	}
	f := &streamFeed{src: src, buffer: max(opt.BufferChunks, 1)}
	for k, i := range perm {
		if k < nVal {
			f.val = append(f.val, all[i])
		} else {
			f.train = append(f.train, all[i])
			f.rows += all[i].hi - all[i].lo
		}
	}
	slices.SortFunc(f.val, func(a, b chunk) int { return a.lo - b.lo }) // read in file order
	slices.SortFunc(f.train, func(a, b chunk) int { return a.lo - b.lo })
	return f, nil
}

func (f *streamFeed) check(m *npe.Model) error {
	first, err := f.src.Rows(f.train[0].lo, f.train[0].hi)
	if err != nil {
		return err
	}
	return m.CheckSet(first)
}

func (f *streamFeed) trainRows() int { return f.rows }

// epoch visits the training chunks in an order drawn from rng, reads
// buffer chunks at a time, adds the rows left from the last buffer,
// shuffles those rows with rng and passes them on in batches.
func (f *streamFeed) epoch(rng *rand.Rand, size int, step func(*dataset.Set, []int) error) error {
	order := slices.Clone(f.train)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	buf := &f.buf
	buf.keep(nil)
	for k := 0; k < len(order); k += f.buffer {
		for _, c := range order[k:min(k+f.buffer, len(order))] {
			if err := f.src.AppendRows(&buf.set, c.lo, c.hi); err != nil {
				return err
			}
		}
		idx := make([]int, buf.set.N)
		for i := range idx {
			idx[i] = i
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := len(idx) / size
		for s := range n {
			if err := step(&buf.set, idx[s*size:(s+1)*size]); err != nil {
				return err
			}
		}
		buf.keep(idx[n*size:])
	}
	return nil
}

// validate returns the mean loss over the validation chunks.
func (f *streamFeed) validate(m *npe.Model) (float64, error) {
	total, n := 0.0, 0
	rows := &f.val1
	for _, c := range f.val {
		rows.N = 0
		if err := f.src.AppendRows(rows, c.lo, c.hi); err != nil {
			return 0, err
		}
		idx := make([]int, rows.N)
		for i := range idx {
			idx[i] = i
		}
		loss, err := Evaluate(m, rows, idx)
		if err != nil {
			return 0, err
		}
		total += loss * float64(rows.N)
		n += rows.N
	}
	return total / float64(n), nil
}

// rowBuffer holds the rows of a few chunks; its arrays are reused.
type rowBuffer struct{ set dataset.Set }

// keep leaves in the buffer only rows idx (fewer than a batch), in that
// order.
func (b *rowBuffer) keep(idx []int) {
	s := &b.set
	S, identity := s.S(), s.IdentityFeatures()
	var theta []float64
	var traces, stats []float32
	for _, i := range idx {
		theta = append(theta, s.Theta[i*s.P:(i+1)*s.P]...)
		traces = append(traces, s.Traces[i*s.T:(i+1)*s.T]...)
		if !identity {
			stats = append(stats, s.Stats[i*S:(i+1)*S]...)
		}
	}
	s.N = len(idx)
	s.Theta, s.Traces = append(s.Theta[:0], theta...), append(s.Traces[:0], traces...)
	if identity {
		s.Stats = s.Traces
	} else {
		s.Stats = append(s.Stats[:0], stats...)
	}
}

// RunStream trains a new model on the stream as Run trains on a set in
// memory, with opt.ChunkRows and opt.BufferChunks (zero: the defaults)
// shaping the order of the rows. Two passes over the stream before
// training fit the standardizations on all rows, as Run fits them; peak
// memory is a buffer of chunks, whatever the number of rows.
func RunStream(src *dataset.Stream, opt Options, path string, progress Progress) (*npe.Model, History, error) {
	opt = streamDefaults(opt)
	if err := opt.Validate(); err != nil {
		return nil, History{}, err
	}
	f, err := newStreamFeed(src, opt)
	if err != nil {
		return nil, History{}, err
	}
	like, err := src.Rows(0, min(src.N, opt.ChunkRows))
	if err != nil {
		return nil, History{}, err
	}
	m, err := npe.New(opt.Model, like, opt.Seed) // weights from the seed alone; its norms are replaced
	if err != nil {
		return nil, History{}, err
	}
	norms, print, err := fitStream(src, m.Priors(), opt.ChunkRows)
	if err != nil {
		return nil, History{}, err
	}
	m.Norm.Theta, m.Norm.Stats, m.Norm.Voltage = norms.Theta, norms.Stats, norms.Voltage
	st := &state{Options: opt, DataPrint: print, BestVal: math.Inf(1)}
	pcg := rand.NewPCG(opt.Seed, 0x73687566)
	st.RNG, _ = pcg.MarshalBinary()
	adam := nn.NewAdam(m.Params(), opt.LR)
	return loop(m, adam, f, st, nil, path, progress)
}

// ResumeStream continues a streamed run checkpointed at path on the same
// stream, as Resume does.
func ResumeStream(src *dataset.Stream, path string, progress Progress) (*npe.Model, History, error) {
	m, extra, st, err := readState(path)
	if err != nil {
		return nil, History{}, err
	}
	if st.Options.ChunkRows == 0 {
		return nil, History{}, fmt.Errorf("resume %s: the run was trained in memory; resume it in memory", path)
	}
	print, err := streamPrint(src)
	if err != nil {
		return nil, History{}, err
	}
	if print != st.DataPrint {
		return nil, History{}, fmt.Errorf("resume %s: the data set differs from the one training started on", path)
	}
	f, err := newStreamFeed(src, st.Options)
	if err != nil {
		return nil, History{}, err
	}
	return resumeFeed(m, extra, st, f, path, progress)
}

// streamDefaults fills in the streaming options left zero.
func streamDefaults(opt Options) Options {
	if opt.ChunkRows == 0 {
		opt.ChunkRows = DefaultChunkRows
	}
	if opt.BufferChunks == 0 {
		opt.BufferChunks = DefaultBufferChunks
	}
	return opt
}

// fitStream fits the standardizations of the parameters (unconstrained),
// statistics and voltages on every row of src, in two passes, with the
// arithmetic of npe.New in the same order, so that the numbers are those
// of the set in memory; it also returns the data's fingerprint.
func fitStream(src *dataset.Stream, priors []prior.Distribution, rows int) (npe.Norms, string, error) {
	var norms npe.Norms
	h := fnv.New64a()
	theta := newMoments(src.P)
	for pass := range 2 {
		err := src.ScanTheta(rows, func(lo int, v []float64) error {
			u := make([]float64, len(v))
			for i, x := range v {
				var err error
				if u[i], err = priors[i%src.P].Unconstrain(x); err != nil {
					return fmt.Errorf("npe: training row %d: %w", lo+i/src.P, err)
				}
				if pass == 0 {
					writeFloat(h, x)
				}
			}
			addRows(theta, pass, u)
			return nil
		})
		if err != nil {
			return norms, "", err
		}
		theta.finish(pass)
	}
	norms.Theta = theta.standardizer()
	if src.S > 0 {
		stats := newMoments(src.S)
		if err := scanTwice(stats, func(fn func(int, []float32) error) error { return src.ScanStats(rows, fn) }); err != nil {
			return norms, "", err
		}
		norms.Stats = stats.standardizer()
	}
	voltage := newMoments(1)
	if err := scanTwice(voltage, func(fn func(int, []float32) error) error { return src.ScanObservations(rows, fn) }); err != nil {
		return norms, "", err
	}
	norms.Voltage = voltage.standardizer()
	return norms, fmt.Sprintf("%dx%dx%d-%x", src.N, src.P, src.T, h.Sum64()), nil
}

// streamPrint is the fingerprint of src's data, as fingerprint gives it
// for the set in memory.
func streamPrint(src *dataset.Stream) (string, error) {
	h := fnv.New64a()
	err := src.ScanTheta(DefaultChunkRows, func(_ int, v []float64) error {
		for _, x := range v {
			writeFloat(h, x)
		}
		return nil
	})
	return fmt.Sprintf("%dx%dx%d-%x", src.N, src.P, src.T, h.Sum64()), err
}

// writeFloat writes x's bits, little-endian, to the hash of a data set's
// fingerprint (one function, so that a streamed and an in-memory run of
// the same data agree).
func writeFloat(h io.Writer, x float64) {
	b := math.Float64bits(x)
	h.Write([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24), byte(b >> 32), byte(b >> 40), byte(b >> 48), byte(b >> 56)})
}

// scanTwice runs the two passes of moments m over a float32 array.
func scanTwice(m *moments, scan func(func(int, []float32) error) error) error {
	for pass := range 2 {
		err := scan(func(_ int, v []float32) error {
			addRows(m, pass, v)
			return nil
		})
		if err != nil {
			return err
		}
		m.finish(pass)
	}
	return nil
}

// moments fits a standardizer over rows of d columns in two passes, with
// the operations of npe's fit in the same order: sums for the means,
// then sums of squared deviations.
type moments struct {
	d        int
	n        int
	mean, sd []float64
}

func newMoments(d int) *moments {
	return &moments{d: d, mean: make([]float64, d), sd: make([]float64, d)}
}

// addRows accumulates rows v in pass 0 (means) or 1 (deviations), in
// float64.
func addRows[T float32 | float64](m *moments, pass int, v []T) {
	for i, x := range v {
		j := i % m.d
		if pass == 0 {
			m.mean[j] += float64(x)
			continue
		}
		e := float64(x) - m.mean[j]
		m.sd[j] += e * e
	}
	if pass == 0 {
		m.n += len(v) / m.d
	}
}

// finish ends a pass.
func (m *moments) finish(pass int) {
	for j := range m.d {
		if pass == 0 {
			if m.n > 0 {
				m.mean[j] /= float64(m.n)
			}
			continue
		}
		m.sd[j] = math.Sqrt(m.sd[j] / float64(max(m.n-1, 1)))
		if !(m.sd[j] > 1e-12) || m.n == 0 {
			m.sd[j] = 1
		}
	}
}

func (m *moments) standardizer() npe.Standardizer {
	return npe.Standardizer{Mean: m.mean, SD: m.sd}
}
