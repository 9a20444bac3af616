package diagnose

import (
	"math"
	"testing"
)

func TestRecoveryConjugate(t *testing.T) {
	t.Parallel()
	const (
		m, s    = 4000, 200
		tolMean = 0.01 // contraction: Monte Carlo error of mean sample variances is ~0.002
		tolRMSE = 0.03 // RMSE: ~ sd/sqrt(2M) relative
		tolZ    = 0.05 // z-score mean and sd over 4000 simulations
	)
	sigmas := []float64{0.5, 2}
	truths, draws := conjugate(5, m, s, sigmas, 1)
	res, err := Recovery(truths, draws, RecoveryConfig{PriorSD: []float64{1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	for j, sg := range sigmas {
		r := res[j]
		// Exact posterior variance sigma^2/(1+sigma^2), prior variance 1:
		// contraction 1/(1+sigma^2); the Bayes risk of the posterior mean
		// equals the posterior variance, so RMSE = sigma/sqrt(1+sigma^2).
		wantC := 1 / (1 + sg*sg)
		wantRMSE := sg / math.Sqrt(1+sg*sg)
		if math.Abs(r.Contraction-wantC) > tolMean {
			t.Errorf("sigma %v: contraction %v, want %v", sg, r.Contraction, wantC)
		}
		if math.Abs(r.RMSE/wantRMSE-1) > tolRMSE || r.NRMSE != r.RMSE {
			t.Errorf("sigma %v: RMSE %v NRMSE %v, want %v", sg, r.RMSE, r.NRMSE, wantRMSE)
		}
		if math.Abs(r.Bias) > 3*wantRMSE/math.Sqrt(m) {
			t.Errorf("sigma %v: bias %v", sg, r.Bias)
		}
		if math.Abs(r.ZMean) > tolZ || math.Abs(r.ZSD-1) > tolZ {
			t.Errorf("sigma %v: z-scores mean %v sd %v, want 0 and 1", sg, r.ZMean, r.ZSD)
		}
	}
}

func TestRecoveryNormalization(t *testing.T) {
	t.Parallel()
	truths := [][]float64{{0}, {4}}
	draws := [][][]float64{{{1}, {3}}, {{4}, {6}}} // means 2 and 5, sds sqrt(2)
	r, err := Recovery(truths, draws, RecoveryConfig{Normalize: NormRange})
	if err != nil {
		t.Fatal(err)
	}
	// errors 2 and 1: bias 1.5, RMSE sqrt(2.5), range 4; prior sd = sd{0, 4} = sqrt(8).
	if r[0].Bias != 1.5 || r[0].RMSE != math.Sqrt(2.5) || r[0].NRMSE != math.Sqrt(2.5)/4 {
		t.Errorf("bias %v RMSE %v NRMSE %v", r[0].Bias, r[0].RMSE, r[0].NRMSE)
	}
	if want := 1 - 2.0/8; math.Abs(r[0].Contraction-want) > 1e-12 {
		t.Errorf("contraction %v, want %v", r[0].Contraction, want)
	}
	if want := 2 / math.Sqrt(2); math.Abs(r[0].Z[0]-want) > 1e-12 {
		t.Errorf("z %v, want %v", r[0].Z[0], want)
	}
	draws[1] = [][]float64{{5}, {5}}
	if _, err := Recovery(truths, draws, RecoveryConfig{}); err == nil {
		t.Error("no error for a posterior without spread")
	}
}
