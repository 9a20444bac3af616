package serve

import (
	"net/http"

	"github.com/laa-neuro/laa/recording"
)

// Sweep is one current-clamp sweep of an NWB file, for the sweep chooser.
type Sweep struct {
	Name     string  `json:"name"`
	Number   int     `json:"number"` // -1 when the file gives none
	Stimulus string  `json:"stimulus"`
	Samples  int     `json:"samples"`
	RateHz   float64 `json:"rate_hz"`
}

// sweeps answers POST /v1/sweeps: the current-clamp sweeps of the NWB file
// posted (as the body, or the "file" field of a form).
func (s *Server) sweeps(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	var out []Sweep
	err := s.spool(r, "recording.nwb", func(path, display string) error {
		list, err := recording.NWBSweeps(path)
		if err != nil {
			return unspooled(err, path, display)
		}
		out = make([]Sweep, len(list))
		for i, sw := range list {
			out[i] = Sweep{Name: sw.Name, Number: sw.Number, Stimulus: sw.Stimulus, Samples: sw.Samples, RateHz: sw.RateHz}
		}
		return nil
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sweeps": out})
}
