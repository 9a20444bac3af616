package report_test

import (
	"fmt"
	"log"
	"os"

	"github.com/laa-neuro/laa/report"
)

func ExampleReport_Write() {
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	r := report.New("Calibration of run 7")
	r.Section("Summary").
		Paragraph("Simulation-based calibration on 1000 held-out simulations.").
		Verdicts(report.Verdict{Name: "C_m", Pass: true, Label: "calibrated"},
			report.Verdict{Name: "g_L", Pass: false, Label: "not calibrated", Detail: "KS p = 0.002"}).
		Table(report.Table{Name: "sbc", Header: []string{"parameter", "KS p"},
			Rows: [][]string{{"C_m", "0.41"}, {"g_L", "0.002"}}})
	if err := r.Write(dir); err != nil {
		log.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// index.html
	// sbc.csv
}
