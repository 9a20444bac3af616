// Package inputfile opens the files laa reads so that no path can make it
// block, read without end or read more than a stated limit: only regular
// files (after symbolic links) are opened, never a device such as
// /dev/zero, a named pipe, a socket or a folder, and a file's size is
// checked against the reader's limit before anything is read. It is the
// reading counterpart of package atomicfile.
package inputfile

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// Open opens path for reading if it is a regular file of at most maxBytes
// bytes (any size when maxBytes < 0); limit names the size limit in the
// error ("MaxCSVBytes"). The file is checked before it is opened and again
// once open, against a swap between the two; the open does not block on a
// pipe put in place meanwhile.
func Open(path string, maxBytes int64, limit string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, maxBytes, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err == nil {
		err = check(path, fi, maxBytes, limit)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadAll reads a regular file of at most maxBytes bytes whole (Open's
// rules); a file that grows while it is read does not take it past the
// limit.
func ReadAll(path string, maxBytes int64, limit string) ([]byte, error) {
	f, err := Open(path, maxBytes, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, fmt.Errorf("%q holds more than %s = %d bytes", path, limit, maxBytes)
	}
	return b, nil
}

// check refuses anything but a regular file of at most maxBytes bytes.
func check(path string, fi os.FileInfo, maxBytes int64, limit string) error {
	m := fi.Mode()
	if !m.IsRegular() {
		kind := "not a regular file"
		switch {
		case m.IsDir():
			kind = "a folder"
		case m&os.ModeNamedPipe != 0:
			kind = "a named pipe"
		case m&os.ModeSocket != 0:
			kind = "a socket"
		case m&os.ModeDevice != 0:
			kind = "a device"
		}
		return fmt.Errorf("%q is %s; only a regular file is read", path, kind)
	}
	if maxBytes >= 0 && fi.Size() > maxBytes {
		return fmt.Errorf("%q holds %d bytes, more than %s = %d", path, fi.Size(), limit, maxBytes)
	}
	return nil
}
