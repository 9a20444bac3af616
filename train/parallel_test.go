package train

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/laa-neuro/laa/npe"
)

// TestSameBytesOnAnyCoreCount trains a hybrid model (convolutions,
// statistics, an affine flow wide enough that its products split over row
// blocks) for an epoch with two replicas and draws 1,000 posterior samples,
// at GOMAXPROCS 1, 2 and 8: the weights and the draws must be the same
// bytes. (Not parallel: it sets GOMAXPROCS.)
func TestSameBytesOnAnyCoreCount(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	d := smallData(t)
	opt := tinyOptions(1)
	opt.Model = npe.Config{
		Summary: npe.SummaryConfig{Kind: npe.SummaryHybrid, Out: 8, Hidden: 64, Layers: 1, Pool: 10, Channels: []int{8, 8}},
		Flow:    npe.FlowConfig{Layers: 2, Hidden: 128},
	}
	opt.Replicas = 2
	var ref []byte
	for _, p := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(p)
		m, _, err := Run(d, opt, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		for _, q := range m.Params() {
			binary.Write(&buf, binary.LittleEndian, q.Value.Data)
		}
		post, err := m.Sample([]npe.Observation{npe.FromSet(d, 3)}, 1000, rand.New(rand.NewPCG(4, 5)))
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range post[0].Draws {
			binary.Write(&buf, binary.LittleEndian, th)
		}
		if ref == nil {
			ref = buf.Bytes()
			continue
		}
		if !bytes.Equal(buf.Bytes(), ref) {
			t.Fatalf("GOMAXPROCS %d: weights or draws differ from GOMAXPROCS 1", p)
		}
	}
}
