package train

import (
	"encoding/json"
	"fmt"

	"github.com/laa-neuro/laa/npe"
)

// Checkpoint describes the run a model file was saved from: what Resume
// would continue.
type Checkpoint struct {
	Options Options // the options the run started with
	Epoch   int     // epochs completed
	Done    bool    // training finished (Resume refuses it)
	Stopped string  // why it finished: "epochs" or "early stopping"
}

// ReadCheckpoint returns the run state saved in the model file at path,
// without the data set: for checking a resume's options before any work.
func ReadCheckpoint(path string) (Checkpoint, error) {
	_, extra, err := npe.Load(path)
	if err != nil {
		return Checkpoint{}, err
	}
	var st state
	if len(extra.Training) == 0 || json.Unmarshal(extra.Training, &st) != nil {
		return Checkpoint{}, fmt.Errorf("resume %s: no training state in the file", path)
	}
	return Checkpoint{Options: st.Options, Epoch: st.Epoch, Done: st.Done, Stopped: st.History.Stopped}, nil
}
