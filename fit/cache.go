package fit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/laa-neuro/laa/atomicfile"
	"github.com/laa-neuro/laa/inputfile"
	"github.com/laa-neuro/laa/neuron"
	"github.com/laa-neuro/laa/npe"
	"github.com/laa-neuro/laa/train"
)

// CacheFormat is the version of the cache's layout and of what a key
// covers. Changing how models are simulated or trained for fit, without
// changing the configuration or the options, must increment it, so that
// old entries stop matching instead of being trusted.
const CacheFormat = 1

// maxDescriptionBytes bounds the read of a cache entry's description.
const maxDescriptionBytes = 1 << 20

// KeyDoc is everything a cached model depends on. The cache key is the
// SHA-256 of its JSON encoding (Go encodes struct fields in declaration
// order and numbers in their shortest exact form, so equal documents give
// equal bytes).
type KeyDoc struct {
	Format     int           `json:"format"`
	Experiment neuron.Config `json:"experiment"` // protocol, noise model and priors
	NTrain     int           `json:"n_train"`    // training simulations
	SimSeed    uint64        `json:"sim_seed"`   // seed of the training simulations
	Training   train.Options `json:"training"`
}

// Key returns the cache key of d: 64 hex digits.
func (d KeyDoc) Key() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("fit: cache key: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Entry describes one cached model: the file <key>.json beside <key>.laa.
type Entry struct {
	Key        string    `json:"key"`
	Doc        KeyDoc    `json:"inputs"`
	Created    time.Time `json:"created"`
	LaaVersion string    `json:"laa_version"`
	// What training did, for the reader of the cache folder.
	SimSeconds   float64 `json:"simulation_seconds"`
	TrainSeconds float64 `json:"training_seconds"`
	Epochs       int     `json:"epochs"`
	BestEpoch    int     `json:"best_epoch"`
	BestValLoss  float64 `json:"best_validation_loss"`
	Stopped      string  `json:"stopped"`
}

// DefaultCacheDir is where fit keeps its models by default: the user's
// cache folder (os.UserCacheDir) /laa/models.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("fit: no cache folder (give one): %w", err)
	}
	return filepath.Join(dir, "laa", "models"), nil
}

// paths returns the model and description files of key in dir.
func paths(dir, key string) (model, desc string) {
	return filepath.Join(dir, key+".laa"), filepath.Join(dir, key+".json")
}

// lookup loads the cached model of doc from dir. It returns (nil, "", nil)
// when there is none, and (nil, reason, nil) when an entry exists but is
// damaged or does not match: the caller retrains. It never trusts a file
// it has not checked: the description must parse and name the same key
// and inputs, and the model must load (its checksum holds) with the same
// experiment.
func lookup(dir string, doc KeyDoc) (*npe.Model, Entry, string, error) {
	key, err := doc.Key()
	if err != nil {
		return nil, Entry{}, "", err
	}
	modelPath, descPath := paths(dir, key)
	_, errM := os.Stat(modelPath)
	_, errD := os.Stat(descPath)
	if os.IsNotExist(errM) && os.IsNotExist(errD) {
		return nil, Entry{}, "", nil
	}
	var e Entry
	b, err := inputfile.ReadAll(descPath, maxDescriptionBytes, "maxDescriptionBytes")
	if err != nil {
		return nil, e, fmt.Sprintf("its description %s cannot be read: %v", descPath, err), nil
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, e, fmt.Sprintf("its description %s is damaged: %v", descPath, err), nil
	}
	if k, err := e.Doc.Key(); err != nil || k != key || e.Key != key {
		return nil, e, fmt.Sprintf("its description %s does not match its key", descPath), nil
	}
	m, _, err := npe.Load(modelPath)
	if err != nil {
		return nil, e, fmt.Sprintf("its model %s is damaged: %v", modelPath, err), nil
	}
	got, err1 := json.Marshal(m.Experiment)
	want, err2 := json.Marshal(doc.Experiment)
	if err1 != nil || err2 != nil || string(got) != string(want) {
		return nil, e, fmt.Sprintf("its model %s was trained on another experiment than its key says", modelPath), nil
	}
	return m, e, "", nil
}

// store writes m and its description e into dir atomically: the model
// first, then the description, so an entry with a description always has
// its model (and a model without one is retrained).
func store(dir string, m *npe.Model, extra npe.Extra, e Entry) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("fit: cache folder: %w", err)
	}
	modelPath, descPath := paths(dir, e.Key)
	if err := npe.Save(modelPath, m, extra); err != nil {
		return fmt.Errorf("fit: cache: %w", err)
	}
	if err := atomicfile.WriteJSON(descPath, e); err != nil {
		return fmt.Errorf("fit: cache: %w", err)
	}
	return nil
}
