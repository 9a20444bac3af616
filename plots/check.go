package plots

import (
	"fmt"
	"math"
)

// finite reports an empty slice or one holding NaN or Inf; what names the
// data in the error.
func finite(what string, xs []float64) error {
	if len(xs) == 0 {
		return fmt.Errorf("plots: %s is empty", what)
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("plots: %s[%d] is %v", what, i, x)
		}
	}
	return nil
}

// sameLen reports a slice whose length differs from n.
func sameLen(what string, n int, xs []float64) error {
	if len(xs) != n {
		return fmt.Errorf("plots: %s has length %d, want %d", what, len(xs), n)
	}
	return nil
}

// col names a data slice for error messages.
type col struct {
	name string
	xs   []float64
}

// series checks that every column is finite and as long as the first.
func series(cols ...col) error {
	for _, c := range cols {
		if err := finite(c.name, c.xs); err != nil {
			return err
		}
		if err := sameLen(c.name, len(cols[0].xs), c.xs); err != nil {
			return err
		}
	}
	return nil
}

// ordered reports an index where lo[i] > hi[i].
func ordered(loName string, lo []float64, hiName string, hi []float64) error {
	for i := range lo {
		if lo[i] > hi[i] {
			return fmt.Errorf("plots: %s[%d] = %v exceeds %s[%d] = %v", loName, i, lo[i], hiName, i, hi[i])
		}
	}
	return nil
}

// increasing reports time points that go backwards.
func increasing(what string, xs []float64) error {
	for i := 1; i < len(xs); i++ {
		if xs[i] < xs[i-1] {
			return fmt.Errorf("plots: %s decreases at index %d", what, i)
		}
	}
	return nil
}

// needPanels reports an empty panel list.
func needPanels(fig string, n int) error {
	if n == 0 {
		return fmt.Errorf("plots: %s: no panels", fig)
	}
	return nil
}
