package serve

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"sync/atomic"
	"time"
)

//go:embed openapi.json
var openAPI []byte

//go:embed page
var pageFiles embed.FS

// Server answers the API and the page for a set of models.
type Server struct {
	cfg    Config
	models map[string]*served
	names  []string // sorted
	ready  atomic.Bool
	mux    *http.ServeMux
}

// New prepares the models for serving: a pool of Config.Replicas replicas
// each, the typicality reference and the examples. Names must be distinct.
func New(models []Model, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if len(models) == 0 {
		return nil, errors.New("serve: no model to serve")
	}
	if cfg.SpoolDir != "" { // a bad folder is a start-up error, not a 500 on every upload
		probe, err := os.MkdirTemp(cfg.SpoolDir, "laa-serve-probe-*")
		if err != nil {
			return nil, fmt.Errorf("serve: spool folder %s: %w", cfg.SpoolDir, err)
		}
		os.RemoveAll(probe)
	}
	s := &Server{cfg: cfg, models: map[string]*served{}}
	for _, m := range models {
		if _, dup := s.models[m.Name]; dup {
			return nil, fmt.Errorf("serve: two models are named %q; name them apart (--model name=path)", m.Name)
		}
		sm, err := newServed(m, cfg)
		if err != nil {
			return nil, err
		}
		s.models[m.Name] = sm
		s.names = append(s.names, m.Name)
	}
	sort.Strings(s.names)
	s.routes()
	s.ready.Store(true)
	return s, nil
}

// routes registers the handlers. Methods are checked by the handlers, so
// that a wrong one is answered 405 in JSON.
func (s *Server) routes() {
	m := http.NewServeMux()
	page, _ := fs.Sub(pageFiles, "page")
	m.Handle("/{$}", only("GET", func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		http.ServeFileFS(w, r, page, "index.html")
	}))
	static := http.StripPrefix("/static/", http.FileServerFS(page))
	m.Handle("/static/", only("GET", func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		static.ServeHTTP(w, r)
	}))
	m.Handle("/healthz", only("GET", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	m.Handle("/readyz", only("GET", s.readyz))
	m.Handle("/v1/openapi.json", only("GET", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	}))
	m.Handle("/v1/models", only("GET", s.listModels))
	m.Handle("/v1/models/{name}", only("GET", s.getModel))
	m.Handle("/v1/models/{name}/examples/{example}", only("GET", s.getExample))
	m.Handle("/v1/models/{name}/infer", only("POST", s.infer))
	m.Handle("/v1/sweeps", only("POST", s.sweeps))
	m.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, fail(http.StatusNotFound, CodeNotFound, "no such path: %s (the API is under /v1/, described at /v1/openapi.json)", r.URL.Path))
	}))
	s.mux = m
}

// pageHeaders set the page's security headers: it loads nothing but its
// own script, style and the figures (data: URLs) and downloads (blob:).
func pageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// only answers 405 to any method but method (and HEAD for GET).
func only(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == "GET" && r.Method == "HEAD") {
			w.Header().Set("Allow", method)
			writeError(w, fail(http.StatusMethodNotAllowed, CodeMethod, "%s %s: use %s", r.Method, r.URL.Path, method))
			return
		}
		h(w, r)
	})
}

// Handler returns the server's handler: the routes behind the request log
// and a guard that turns a panic into a 500 JSON error.
func (s *Server) Handler() http.Handler {
	return s.logged(s.recovered(s.mux))
}

// readyz is 200 while the server takes requests, 503 once it shuts down.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeError(w, fail(http.StatusServiceUnavailable, CodeNotReady, "shutting down"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "models": s.names})
}

// listModels answers GET /v1/models.
func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	out := make([]ModelInfo, len(s.names))
	for i, n := range s.names {
		out[i] = s.models[n].info
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out})
}

// model returns the model the path names, or a 404 error.
func (s *Server) model(r *http.Request) (*served, error) {
	name := r.PathValue("name")
	m, ok := s.models[name]
	if !ok {
		return nil, fail(http.StatusNotFound, CodeUnknownModel, "no model named %q (serving %v)", name, s.names)
	}
	return m, nil
}

// getModel answers GET /v1/models/{name}.
func (s *Server) getModel(w http.ResponseWriter, r *http.Request) {
	m, err := s.model(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, m.info)
}

// getExample answers GET /v1/models/{name}/examples/{example}: the example
// as a CSV recording.
func (s *Server) getExample(w http.ResponseWriter, r *http.Request) {
	m, err := s.model(r)
	if err != nil {
		writeError(w, err)
		return
	}
	name := r.PathValue("example")
	b, ok := m.examples[name]
	if !ok {
		writeError(w, fail(http.StatusNotFound, CodeNotFound, "model %s has no example %q", m.info.Name, name))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".csv"))
	w.Write(b)
}

// Run serves on ln until ctx ends, then stops taking connections (readyz
// answers 503 on those still open), lets the requests under way finish for
// up to grace, and returns; an error when some were still running then.
func (s *Server) Run(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Timeout,
		WriteTimeout:      s.cfg.Timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.cfg.Logger.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
