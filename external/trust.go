package external

import (
	"fmt"
	"reflect"
)

// confirm checks a decoded description with a simulator against the
// description file it names, so that a command runs only when a file on
// this machine names it: a crafted model file or data set cannot make laa
// run a command of its choosing. It returns "" when the file describes the
// same model (name, parameters, observation) with the same command in the
// same folder, else why the model does not simulate. Batch and timeout
// may differ: the spec's are kept.
func confirm(d Description) string {
	if d.Simulator == nil {
		return ""
	}
	const rule = "laa runs a simulator command named in a model file or data set only while the description file it came from still names it"
	if d.File == "" {
		return fmt.Sprintf("external model %q was described from text, not read from a file; %s (load the description with its command instead)", d.Name, rule)
	}
	m, err := Load(d.File)
	if err != nil {
		return fmt.Sprintf("external model %q: its description cannot be read (%v); %s", d.Name, err, rule)
	}
	sm, ok := m.(*SimulatedModel)
	if !ok {
		return fmt.Sprintf("external model %q: its description %s names no simulator now; %s", d.Name, d.File, rule)
	}
	cur := sm.desc
	same := cur.Name == d.Name && cur.Dir == d.Dir &&
		reflect.DeepEqual(cur.Parameters, d.Parameters) &&
		cur.Observation == d.Observation &&
		reflect.DeepEqual(cur.Simulator.Command, d.Simulator.Command)
	if !same {
		return fmt.Sprintf("external model %q: its description %s now describes another model or command; %s", d.Name, d.File, rule)
	}
	return ""
}
