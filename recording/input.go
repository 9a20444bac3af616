package recording

// Limits of delimited-text recordings. A CSV is read whole into memory and
// its columns kept as float64: 64 MiB is about 3 million rows of
// "time,voltage,current" (two and a half minutes at 20 kHz), and the limits
// keep the memory a CSV can take under about 300 MB. Longer recordings are
// better kept in NWB, whose reader loads only the sweep asked for.
const (
	// MaxCSVBytes is the largest CSV/TSV recording read, in bytes.
	MaxCSVBytes = 64 << 20
	// MaxCSVRows is the most data rows (samples) a CSV/TSV recording may hold.
	MaxCSVRows = 4 << 20
)
