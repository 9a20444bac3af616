package serve

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/laa-neuro/laa/dataset"
	"github.com/laa-neuro/laa/diagnose"
	"github.com/laa-neuro/laa/model"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/validation"
	"github.com/laa-neuro/laa/workflow"
)

// InferResponse is the answer to POST /v1/models/{name}/infer.
type InferResponse struct {
	Model   string           `json:"model"`
	Version string           `json:"version"`
	Summary workflow.Summary `json:"summary"` // what laa infer --json prints for the trace
	Names   []string         `json:"names"`   // the parameters, in the order of each draw
	Draws   [][]float64      `json:"draws"`   // draws x parameters
	// Trace is the trace as the model saw it: on its grid (LAA), or the
	// observation's values against their index.
	Trace PreparedTrace `json:"trace"`
	// Predictive is the posterior predictive check (quantiles of
	// simulations from the draws at each sample) when asked for
	// (predictive=n).
	Predictive *diagnose.PPC `json:"predictive,omitempty"`
	// Figures are SVG drawings when asked for (figures=true): "marginals",
	// "pairs" and, with a predictive check, "predictive", else "trace".
	Figures map[string]string `json:"figures,omitempty"`
	Seconds float64           `json:"seconds"` // wall time of the inference, figures included
}

// PreparedTrace is a trace on the model's grid.
type PreparedTrace struct {
	Time    []float64 `json:"time_ms"`
	Voltage []float64 `json:"voltage_mV"`
	Current []float64 `json:"current_uA_per_cm2,omitempty"`
}

// maxPosteriorValues bounds draws x parameters of one answer, as laa
// infer's MaxPosteriorValues does.
const maxPosteriorValues = 1 << 25

// inferParams are the query parameters of an inference.
type inferParams struct {
	draws, predictive int
	seed              uint64
	exact, figures    bool
	noExact           string // the amortized route's reason when !exact
	format            string // json, csv or npy
	read              readOptions
}

// parseInferParams reads and checks the query parameters.
func (s *Server) parseInferParams(q queryValues) (inferParams, error) {
	var p inferParams
	var err error
	if p.draws, err = q.int("draws", s.cfg.DefaultDraws); err != nil {
		return p, err
	}
	if p.draws < 2 { // a summary (sd, interval) needs two draws
		return p, fail(http.StatusBadRequest, CodeBadRequest, "draws=%d: want at least 2", p.draws)
	}
	if p.draws > s.cfg.MaxDraws {
		return p, fail(http.StatusBadRequest, CodeTooManyDraws, "draws=%d is more than this server's limit of %d (laa serve --max-draws)", p.draws, s.cfg.MaxDraws)
	}
	if p.predictive, err = q.int("predictive", 0); err != nil {
		return p, err
	}
	if p.predictive < 0 || p.predictive > s.cfg.MaxPredictive {
		return p, fail(http.StatusBadRequest, CodeBadRequest, "predictive=%d: want 0 to %d simulations", p.predictive, s.cfg.MaxPredictive)
	}
	if p.seed, err = q.uint64("seed", 1); err != nil {
		return p, err
	}
	if p.exact, err = q.bool("exact", !s.cfg.Amortized); err != nil {
		return p, err
	}
	p.noExact = "amortized only: the correction is off (exact=false)"
	if q.Get("exact") == "" {
		p.noExact = "amortized only: the correction is off (laa serve --amortized)"
	}
	if p.figures, err = q.bool("figures", false); err != nil {
		return p, err
	}
	switch p.format = orDefault(q.Get("format"), "json"); p.format {
	case "json", "csv", "npy":
	default:
		return p, fail(http.StatusBadRequest, CodeBadRequest, "format=%q: want json, csv or npy", p.format)
	}
	p.read, err = parseReadOptions(q)
	return p, err
}

// infer answers POST /v1/models/{name}/infer.
func (s *Server) infer(w http.ResponseWriter, r *http.Request) {
	if err := s.inferErr(w, r); err != nil {
		writeError(w, err)
	}
}

func (s *Server) inferErr(w http.ResponseWriter, r *http.Request) error {
	t0 := time.Now()
	m, err := s.model(r)
	if err != nil {
		return err
	}
	p, err := s.parseInferParams(queryValues{r.URL.Query()})
	if err != nil {
		return err
	}
	if n := p.draws * len(m.info.Parameters); n > maxPosteriorValues {
		return fail(http.StatusBadRequest, CodeTooManyDraws, "draws=%d x %d parameters = %d values, more than %d", p.draws, len(m.info.Parameters), n, maxPosteriorValues)
	}
	if p.predictive > 0 && !m.base.IsLAA() {
		if _, ok := m.base.Generative.(model.Simulator); !ok { // refused before any work
			return fail(http.StatusBadRequest, CodeNotSupported, "model %s cannot simulate: no posterior predictive check (ask for predictive=0)", m.info.Name)
		}
	}
	// The time limit covers reading the upload too, so that the answer
	// (503 timeout at worst) comes before the server's write deadline.
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	tr, err := s.readTrace(r, m, p.read)
	if err != nil {
		return err
	}
	res, err := s.run(ctx, m, tr, p)
	if err != nil {
		return err
	}
	res.Seconds = time.Since(t0).Seconds()
	if p.format != "json" { // the draws alone, encoded before any header is sent
		var b bytes.Buffer
		ct, enc := "text/csv; charset=utf-8", func() error { return dataset.EncodeRowsCSV(&b, res.Names, res.Draws) }
		if p.format == "npy" {
			ct, enc = "application/octet-stream", func() error { return dataset.EncodeRowsNPY(&b, res.Draws, len(res.Names)) }
		}
		if err := enc(); err != nil {
			return err
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", res.Summary.Trace+".draws."+p.format))
		w.Write(b.Bytes())
		return nil
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// run infers tr's posterior on a replica of m, with the predictive check
// and figures asked for. It gives up when ctx ends (503 timeout); the
// work then finishes in the background and frees its replica.
func (s *Server) run(ctx context.Context, m *served, tr workflow.Trace, p inferParams) (*InferResponse, error) {
	rep, err := m.acquire(ctx)
	if err != nil {
		return nil, err
	}
	type result struct {
		res *InferResponse
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer m.release(rep)
		defer func() { // a panic here would end the process: no handler's guard covers this goroutine
			if v := recover(); v != nil {
				s.cfg.Logger.Error("panic", "model", m.info.Name, "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				done <- result{nil, fail(http.StatusInternalServerError, CodeInternal, "internal error: %v", v)}
			}
		}()
		res, err := s.compute(ctx, m, rep, tr, p)
		done <- result{res, err}
	}()
	select {
	case out := <-done:
		if out.err != nil && ctx.Err() != nil { // the work gave up on the deadline
			return nil, timeoutError(s.cfg.Timeout)
		}
		return out.res, out.err
	case <-ctx.Done():
		return nil, timeoutError(s.cfg.Timeout)
	}
}

// timeoutError is the 503 timeout answer for a limit of d.
func timeoutError(d time.Duration) error {
	return fail(http.StatusServiceUnavailable, CodeTimeout, "the inference took longer than this server's limit of %s (laa serve --timeout); an exact correction that fell back to MCMC can take that long: ask for exact=false", d)
}

// compute does run's work on the replica rep.
func (s *Server) compute(ctx context.Context, m *served, rep *npe.Model, tr workflow.Trace, p inferParams) (*InferResponse, error) {
	inf, err := workflow.Infer(ctx, rep, []workflow.Trace{tr}, workflow.InferOptions{Draws: p.draws, Seed: p.seed, NoExact: !p.exact,
		NoExactReason: p.noExact, Reference: m.ref})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fail(http.StatusUnprocessableEntity, CodeBadTrace, "%v", err)
	}
	t := inf.Traces[0]
	res := &InferResponse{Model: m.info.Name, Version: m.info.Version, Summary: inf.TraceSummary(0, p.seed), Names: inf.Names, Draws: t.Posterior.Draws}
	if m.times != nil {
		res.Trace = PreparedTrace{Time: m.times, Voltage: tr.Voltage, Current: tr.Current}
	} else {
		res.Trace = PreparedTrace{Time: indices(len(tr.Voltage)), Voltage: tr.Voltage}
	}
	if p.predictive > 0 {
		var ppc diagnose.PPC
		if rep.IsLAA() {
			ppc, err = validation.Predictive(rep.Experiment, tr.Voltage, t.Posterior.Draws, p.predictive, p.seed)
		} else if sim, ok := rep.Generative.(model.Simulator); ok {
			ppc, err = validation.PredictiveModel(sim, tr.Voltage, t.Posterior.Draws, p.predictive, p.seed)
		} else {
			return nil, fail(http.StatusBadRequest, CodeNotSupported, "model %s cannot simulate: no posterior predictive check (ask for predictive=0)", m.info.Name)
		}
		if err != nil { // the posterior stands; the check could not be made
			res.Summary.Warnings = append(res.Summary.Warnings, fmt.Sprintf("no posterior predictive check: %v", err))
		} else {
			res.Predictive = &ppc
		}
	}
	if p.figures && p.format == "json" {
		if res.Figures, err = figures(inf, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// indices returns 0, 1, ..., n-1.
func indices(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}
