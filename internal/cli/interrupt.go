package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/laa-neuro/laa/atomicfile"
)

// Exit statuses of a process ended by a signal: 128 + the signal's number,
// as shells report it.
const (
	ExitSIGINT  = 130
	ExitSIGTERM = 143
)

var (
	// exitMu is held by whichever ends the process first: Exit, or the
	// signal handler (which never releases it).
	exitMu sync.Mutex
	// interrupting is set once a signal arrived: an error that follows
	// (a write refused by atomicfile.Abandon) is the signal's doing, and
	// Main leaves the exit to the handler.
	interrupting atomic.Bool
	// interruptNote, when set, says what an interrupted command leaves
	// behind (which outputs are complete, how to resume).
	interruptNote atomic.Pointer[func() string]
	// barsShown is set once a progress bar may have drawn on stderr, so
	// the message starts on a line of its own.
	barsShown atomic.Bool
)

// ExitOnSignal makes SIGINT and SIGTERM end the process with one line on
// stderr ("laa: interrupted by SIGINT; ...") and exit status ExitSIGINT or
// ExitSIGTERM, after removing the temporary files of the writes in flight
// (atomicfile.Abandon): every output is then either complete or untouched,
// and a training checkpoint holds the last completed epoch.
func ExitOnSignal(stderr io.Writer) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		interrupting.Store(true)
		exitMu.Lock() // never released: the process ends here, or has ended in Exit
		os.Exit(interrupted(sig, stderr))
	}()
}

// Exit ends the process with code, unless a signal is being handled (the
// handler then ends it). A program using ExitOnSignal ends through it.
func Exit(code int) {
	exitMu.Lock()
	os.Exit(code)
}

// interrupted removes the temporary files, prints the message and returns
// the exit status for sig.
func interrupted(sig os.Signal, stderr io.Writer) int {
	atomicfile.Abandon()
	name, code := "SIGINT", ExitSIGINT
	if sig == syscall.SIGTERM {
		name, code = "SIGTERM", ExitSIGTERM
	}
	msg := "laa: interrupted by " + name + "; temporary files removed"
	if f := interruptNote.Load(); f != nil {
		if note := (*f)(); note != "" {
			msg += "; " + note
		}
	}
	if barsShown.Load() {
		msg = "\n" + msg
	}
	fmt.Fprintln(stderr, msg)
	return code
}

// onInterrupt sets what the message of an interrupt says after the
// temporary files.
func onInterrupt(note func() string) { interruptNote.Store(&note) }

// fileWatch tells whether a file was written since the watch began: a new
// file, or a replaced one (another inode, size or time).
type fileWatch struct {
	path   string
	before fs.FileInfo // nil when the file did not exist
}

// watchFile begins watching path.
func watchFile(path string) fileWatch {
	st, _ := os.Stat(path)
	return fileWatch{path, st}
}

// written says whether the file was written since the watch began.
func (w fileWatch) written() bool {
	st, err := os.Stat(w.path)
	if err != nil {
		return false
	}
	b := w.before
	return b == nil || !os.SameFile(b, st) || b.Size() != st.Size() || !b.ModTime().Equal(st.ModTime())
}

// untouched describes the file for an interrupt message.
func (w fileWatch) untouched() string {
	if w.written() {
		return w.path + " was complete before the interrupt"
	}
	if w.before != nil {
		return w.path + " is unchanged"
	}
	return w.path + " was not written"
}

// noteOutput makes the interrupt message say whether path was written.
func noteOutput(path string) {
	w := watchFile(path)
	onInterrupt(w.untouched)
}

// noteFolder makes the interrupt message say that a folder output may be
// incomplete.
func noteFolder(dir string) {
	onInterrupt(func() string { return dir + " may hold part of the outputs (each file there is complete)" })
}
