package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// FailureMemory is how long a failed fetch of a remote catalog is
// remembered: within it, while a cached copy or the snapshot can stand in,
// no command asks the catalog's host again, so a blocked host costs one
// short wait and one warning, not one on every command.
const FailureMemory = time.Hour

// failureMemo is the file that remembers a failed fetch, beside the cached
// copy (<hash>.failed).
type failureMemo struct {
	URL   string    `json:"url"`
	At    time.Time `json:"at"`
	Error string    `json:"error"`
}

// RecentFailureError is why a run did not ask the catalog's host: a fetch
// failed at At, and the next attempt waits until Retry.
type RecentFailureError struct {
	URL       string
	At, Retry time.Time
	Cause     string
}

func (e *RecentFailureError) Error() string {
	return fmt.Sprintf("fetching it failed at %s (%s); not asked again before %s",
		e.At.UTC().Format("15:04 UTC"), e.Cause, e.Retry.UTC().Format("15:04 UTC"))
}

// recentFailure is the remembered failure of src, if one is recent.
func (l *Loader) recentFailure(path, src string, now time.Time) (*RecentFailureError, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var m failureMemo
	if json.Unmarshal(data, &m) != nil || m.URL != src {
		return nil, false
	}
	// A time in the future (the clock moved back) is no recent failure.
	if age := now.Sub(m.At); age < 0 || age >= FailureMemory {
		return nil, false
	}
	return &RecentFailureError{URL: src, At: m.At, Retry: m.At.Add(FailureMemory), Cause: m.Error}, true
}

// rememberFailure notes that fetching src failed now. Failing to write the
// note only means the next run asks again.
func (l *Loader) rememberFailure(path, src string, now time.Time, cause error) {
	data, err := json.Marshal(failureMemo{URL: src, At: now, Error: cause.Error()})
	if err == nil {
		err = writeFile(path, data)
	}
	if err != nil {
		l.warn(Detail, "cannot note the failed catalog fetch: %v", err)
	}
}

// forgetFailure: the host answered.
func forgetFailure(path string) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		_ = err // a stale note expires on its own
	}
}
