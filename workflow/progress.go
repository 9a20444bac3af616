package workflow

import (
	"context"
	"fmt"
)

// Stages a Progress callback is told about.
const (
	StageSimulate    = "simulate"   // simulations made, of Total
	StageTrain       = "train"      // optimizer steps made, of epochs x steps per epoch
	StageAssess      = "assess"     // held-out posteriors drawn, of Total
	StageRecordings  = "recordings" // recordings fitted, of Total
	StageComparison  = "comparison" // held-out observations compared with the exact posterior, of Total
	StageGrowthPoint = "growth"     // recording lengths done, of Total
	StageCorrection  = "correction" // the exact correction's MCMC fallback of one trace (Update.Item), in percent
)

// Update says how far one stage has come. Every stage starts with an
// update whose Done is 0.
type Update struct {
	Stage string // one of the Stage constants
	Done  int    // units done so far
	Total int    // units in the stage
	Unit  string // what Done counts: "sims", "batches", "posteriors", "recordings", "obs", "lengths", "%"
	Item  string // what the stage works on, where it works on one of several (a trace's name)

	// Training only: the epoch under way, the running training loss of the
	// epoch and the last epoch's validation loss (NaN before the first).
	Epoch         int
	Loss, ValLoss float64
}

// Progress receives updates; it is called from one goroutine at a time.
type Progress func(Update)

// report calls p when it is set.
func (p Progress) report(u Update) {
	if p != nil {
		p(u)
	}
}

// checkContext returns the context's error, wrapped with the step it
// stopped before.
func checkContext(ctx context.Context, step string) error {
	if ctx == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("workflow: %s: %w", step, err)
	}
	return nil
}
