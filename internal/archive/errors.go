package archive

import (
	"errors"
	"fmt"
)

// ErrCorrupt is matched (errors.Is) by every error about bad archive data:
// not the expected compression, corrupt or truncated stream, invalid tar or
// zip structure. Such an archive will not get better by extracting it again;
// refetching it might.
var ErrCorrupt = errors.New("corrupt archive")

// ErrLayout is matched by errors about an archive whose shape is not an
// interpreter tree: several top-level folders, top-level files, nothing in it.
var ErrLayout = errors.New("unexpected archive layout")

// corruptError keeps the message short ("truncated archive") while still
// answering errors.Is(err, ErrCorrupt) and exposing the decoder's error.
type corruptError struct {
	msg string
	err error
}

func corrupt(msg string, err error) error { return &corruptError{msg: msg, err: err} }

func (e *corruptError) Error() string {
	if e.err == nil {
		return e.msg
	}
	return e.msg + ": " + e.err.Error()
}

func (e *corruptError) Unwrap() error        { return e.err }
func (e *corruptError) Is(target error) bool { return target == ErrCorrupt }

// LimitError reports an archive that exceeds Limits.
type LimitError struct {
	What  string // "bytes" or "entries"
	Limit int64
	Entry string // the entry being extracted when the limit was crossed
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("archive exceeds the limit of %d %s (at %s)", e.Limit, e.What, e.Entry)
}

func unsafeEntry(name, reason string) error { return &UnsafeEntryError{Entry: name, Reason: reason} }

func layoutErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrLayout, fmt.Sprintf(format, args...))
}
