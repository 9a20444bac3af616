package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/laa-neuro/laa/internal/testmodel"
	"github.com/laa-neuro/laa/neuron"
)

// testServer serves an untrained model as "m" with one replica.
func testServer(t *testing.T, timeout time.Duration) (*Server, string) {
	t.Helper()
	m, d := testmodel.Untrained(t, neuron.Default())
	s, err := New([]Model{{Name: "m", Version: "test", Model: m}}, Config{Replicas: 1, Timeout: timeout, Examples: -1,
		SpoolDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("time_ms,voltage_mV,current_uA_per_cm2\n")
	for k := range d.T {
		fmt.Fprintf(&b, "%g,%.9g,%g\n", d.Time[k], d.Traces[k], d.Stimulus[k])
	}
	return s, b.String()
}

// post sends the CSV to the infer endpoint and returns the status and the
// error code ("" on success).
func post(t *testing.T, url, csv string) (int, string) {
	t.Helper()
	resp, err := http.Post(url+"/v1/models/m/infer?exact=false&draws=50", "text/csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct{ Error apiError }
	json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Error.Code
}

// TestBusyReplicasTimeOut: while the only replica is taken, a request
// waits Config.Timeout and is answered 503 busy; once it is free again,
// requests are served.
func TestBusyReplicasTimeOut(t *testing.T) {
	t.Parallel()
	s, csv := testServer(t, 200*time.Millisecond)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	m := s.models["m"]
	rep, err := m.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if status, code := post(t, ts.URL, csv); status != 503 || code != CodeBusy || time.Since(t0) < 200*time.Millisecond {
		t.Errorf("busy: %d %s after %v", status, code, time.Since(t0))
	}
	m.release(rep)
	if status, code := post(t, ts.URL, csv); status != 200 {
		t.Errorf("free again: %d %s", status, code)
	}
}

// TestGracefulShutdown: when Run's context ends, readiness turns 503, a
// request under way is still answered, and Run returns without error.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	s, csv := testServer(t, 10*time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx, ln, 10*time.Second) }()
	m := s.models["m"]
	rep, _ := m.acquire(context.Background()) // the request below waits for it
	answered := make(chan int, 1)
	go func() { status, _ := post(t, url, csv); answered <- status }()
	time.Sleep(200 * time.Millisecond) // the request is under way
	cancel()
	time.Sleep(100 * time.Millisecond)
	if s.ready.Load() {
		t.Error("still ready after the shutdown began")
	}
	m.release(rep)
	if status := <-answered; status != 200 {
		t.Errorf("the request under way was answered %d", status)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the shutdown")
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the server still answers after Run returned")
	}
}

// TestPanicIsA500: a handler's panic is answered 500 in JSON.
func TestPanicIsA500(t *testing.T) {
	t.Parallel()
	s := &Server{cfg: Config{}.withDefaults()}
	s.cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	h := s.recovered(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"code":"internal"`) || !strings.Contains(w.Body.String(), "boom") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}
