package diagnose_test

import (
	"fmt"

	"github.com/laa-neuro/laa/diagnose"
)

func ExampleSummarize() {
	// 101 draws of two parameters: 0..100 and its double.
	draws := make([][]float64, 101)
	for i := range draws {
		draws[i] = []float64{float64(i), 2 * float64(i)}
	}
	sums, err := diagnose.Summarize(draws, 0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sums {
		fmt.Printf("param %d: mean %.0f median %.0f 90%% [%.0f, %.0f] 50%% [%.0f, %.0f]\n",
			s.Param, s.Mean, s.Median, s.Q05, s.Q95, s.Lower, s.Upper)
	}
	// Output:
	// param 0: mean 50 median 50 90% [5, 95] 50% [25, 75]
	// param 1: mean 100 median 100 90% [10, 190] 50% [50, 150]
}

func ExampleWasserstein1() {
	x := []float64{0, 1, 2, 3}
	y := []float64{1.5, 2.5, 3.5, 4.5} // x shifted by 1.5
	w, _ := diagnose.Wasserstein1(x, y)
	fmt.Printf("W1 = %.2f\n", w)
	// Output:
	// W1 = 1.50
}

func ExampleRankChiSquare() {
	// 40 SBC ranks among S = 9 draws, uniform but for a pile-up at rank 0.
	ranks := []int{0, 0, 0, 0, 0, 0}
	for r := 0; r < 34; r++ {
		ranks = append(ranks, r%10)
	}
	counts, expected, chi2, df, p := diagnose.RankChiSquare(ranks, 9, 5)
	fmt.Println("counts", counts, "expected", expected)
	fmt.Printf("chi2 = %.1f, df = %d, p = %.3f\n", chi2, df, p)
	// Output:
	// counts [14 8 6 6 6] expected [8 8 8 8 8]
	// chi2 = 6.0, df = 4, p = 0.199
}
