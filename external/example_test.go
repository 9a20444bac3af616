package external_test

import (
	"fmt"
	"log"

	"github.com/laa-neuro/laa/external"
	"github.com/laa-neuro/laa/model"
)

// A model simulated elsewhere: no command, so it is not a model.Simulator,
// and its data come from an .npz file.
func ExampleParse() {
	text := []byte(`
name: linear-gaussian
parameters:
  - {name: a, unit: mV, prior: {dist: normal, mean: 0, sd: 1}}
  - {name: tau, unit: ms, prior: {dist: loguniform, low: 1, high: 100}}
observation:
  length: 10
`)
	m, err := external.Parse(text, "")
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range m.Parameters() {
		fmt.Printf("%s (%s): %s prior\n", p.Name, p.Unit, p.Prior.Family())
	}
	_, simulates := m.(model.Simulator)
	fmt.Println(m.Kind(), m.Observation().Length, "values per simulation; simulates:", simulates)
	// Output:
	// a (mV): normal prior
	// tau (ms): loguniform prior
	// external 10 values per simulation; simulates: false
}
