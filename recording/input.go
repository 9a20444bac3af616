package recording

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

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

// openRegular opens path for reading if it is a regular file (not a
// device such as /dev/zero, a pipe, which could block or never end, or a
// folder) of at most maxBytes bytes; maxBytes < 0 means no size limit.
// limit names the size limit in the error.
func openRegular(path string, maxBytes int64, limit string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, fi, maxBytes, limit); err != nil {
		return nil, err
	}
	// O_NONBLOCK: a pipe put in place after the check does not block the open.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err == nil {
		err = checkRegular(path, fi, maxBytes, limit)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkRegular checks that fi describes a regular file of at most maxBytes
// bytes (any size when maxBytes < 0).
func checkRegular(path string, fi os.FileInfo, maxBytes int64, limit string) error {
	if !fi.Mode().IsRegular() {
		what := "not a regular file"
		switch m := fi.Mode(); {
		case m.IsDir():
			what = "a folder"
		case m&os.ModeNamedPipe != 0:
			what = "a pipe"
		case m&os.ModeDevice != 0:
			what = "a device"
		}
		return fmt.Errorf("%s is %s; a recording must be a regular file", path, what)
	}
	if maxBytes >= 0 && fi.Size() > maxBytes {
		return fmt.Errorf("%s holds %d bytes, more than %s = %d", path, fi.Size(), limit, maxBytes)
	}
	return nil
}

// readRegular reads a regular file of at most maxBytes bytes whole; the
// file growing while it is read does not take it past the limit.
func readRegular(path string, maxBytes int64, limit string) ([]byte, error) {
	f, err := openRegular(path, maxBytes, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, fmt.Errorf("%s holds more than %s = %d bytes", path, limit, maxBytes)
	}
	return b, nil
}
