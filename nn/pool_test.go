package nn

import "testing"

func TestAvgPoolTimeValues(t *testing.T) {
	t.Parallel()
	// 5 steps, batch 2, 1 channel, time-major: row t*2+b holds 10*b + t.
	x := NewMat(10, 1)
	for s := range 5 {
		for b := range 2 {
			x.Set(s*2+b, 0, float32(10*b+s))
		}
	}
	p := NewAvgPoolTime(2, 5)
	y := p.Forward(x)
	want := []float32{0.5, 10.5, 2.5, 12.5, 4, 14} // windows {0,1}, {2,3}, {4}
	if y.Rows != 6 || p.OutSteps() != 3 {
		t.Fatalf("pooled %d rows, OutSteps %d", y.Rows, p.OutSteps())
	}
	for i, w := range want {
		if y.Data[i] != w {
			t.Errorf("y[%d] = %g, want %g", i, y.Data[i], w)
		}
	}
}

func TestTimeMajor(t *testing.T) {
	t.Parallel()
	// Two sequences of 3 steps with 2 channels: value = 100*b + 10*t + c.
	x := NewMat(2, 6)
	for b := range 2 {
		for s := range 3 {
			for c := range 2 {
				x.Set(b, s*2+c, float32(100*b+10*s+c))
			}
		}
	}
	y, err := TimeMajor(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	for s := range 3 {
		for b := range 2 {
			for c := range 2 {
				if got, want := y.At(s*2+b, c), float32(100*b+10*s+c); got != want {
					t.Errorf("y[t=%d,b=%d,c=%d] = %g, want %g", s, b, c, got, want)
				}
			}
		}
	}
	if _, err := TimeMajor(x, 4); err == nil {
		t.Error("TimeMajor with 4 steps of 6 columns: no error")
	}
}
