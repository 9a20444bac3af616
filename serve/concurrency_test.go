package serve_test

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestConcurrentRequestsGetTheirOwnDraws: 16 clients at once on a model
// with 2 replicas each get, for their seed, the draws a lone request gets:
// no request sees another's layer caches.
func TestConcurrentRequestsGetTheirOwnDraws(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testConfig, 1)
	const seeds, clients = 4, 16
	query := func(seed int) string { return fmt.Sprintf("/v1/models/m/infer?draws=200&exact=false&seed=%d", seed) }
	alone := make([][][]float64, seeds)
	for s := range seeds {
		alone[s] = decode(t)(f.do(t, "POST", query(s), "text/csv", bytes.NewReader(f.csv))).Draws
	}
	got := make([][][]float64, clients)
	status := make([]int, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			st, _, body := f.do(t, "POST", query(c%seeds), "text/csv", bytes.NewReader(f.csv))
			status[c] = st
			if st == 200 {
				got[c] = inferJSON(t, st, body).Draws
			}
		})
	}
	wg.Wait()
	for c := range clients {
		if status[c] != 200 || !slices.EqualFunc(got[c], alone[c%seeds], slices.Equal) {
			t.Errorf("client %d (seed %d): status %d, draws differ from a lone request's", c, c%seeds, status[c])
		}
	}
	if slices.EqualFunc(alone[0], alone[1], slices.Equal) {
		t.Error("seeds 0 and 1 gave the same draws")
	}
}
