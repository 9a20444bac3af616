package plots_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/laa-neuro/laa/plots"
)

func ExampleSave() {
	dir, err := os.MkdirTemp("", "plots-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	f, err := plots.Loss([]float64{2.1, 1.4, 1.1, 0.9}, []float64{2.2, 1.6, 1.3, 1.35})
	if err != nil {
		log.Fatal(err)
	}
	f.Title = "Loss of run 7"
	if err := plots.Save(f, dir, "loss"); err != nil {
		log.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "loss.*"))
	for _, n := range names {
		fmt.Println(filepath.Base(n))
	}
	// Output:
	// loss.png
	// loss.svg
}

func ExampleParam_Label() {
	fmt.Println(plots.Param{Name: "C_m", Unit: "uF/cm2"}.Label())
	fmt.Println(plots.Param{Name: "ratio"}.Label())
	// Output:
	// C_m (uF/cm2)
	// ratio
}
