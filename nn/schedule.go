package nn

import "math"

// Schedule gives the learning rate at each optimizer step (0-based).
type Schedule interface {
	LR(step int) float64
}

// Constant is a fixed learning rate.
type Constant float64

// LR returns c.
func (c Constant) LR(int) float64 { return float64(c) }

// Cosine anneals from Base at step 0 to Floor at step Steps along half a
// cosine and stays at Floor afterwards:
//
//	LR(s) = Floor + (Base-Floor) (1 + cos(π min(s, Steps)/Steps)) / 2.
//
// Steps <= 0 means Base throughout.
type Cosine struct {
	Base, Floor float64
	Steps       int
}

// LR implements Schedule.
func (c Cosine) LR(step int) float64 {
	if c.Steps <= 0 {
		return c.Base
	}
	f := float64(min(max(step, 0), c.Steps)) / float64(c.Steps)
	return c.Floor + (c.Base-c.Floor)*(1+math.Cos(math.Pi*f))/2
}

// Exponential decays by Rate every Every steps, smoothly in between:
// LR(s) = Base Rate^(s/Every). Every 0 means 1.
type Exponential struct {
	Base, Rate float64
	Every      int
}

// LR implements Schedule.
func (e Exponential) LR(step int) float64 {
	every := max(e.Every, 1)
	return e.Base * math.Pow(e.Rate, float64(step)/float64(every))
}
