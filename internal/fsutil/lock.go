package fsutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// ErrLockTimeout is returned when another process held a lock for longer
// than the allowed wait.
var ErrLockTimeout = errors.New("timed out waiting for another pyget")

// lockPoll is how often a waiting pyget retries a held lock: flock has no
// portable blocking wait with a deadline, so waiting is a retry loop.
const lockPoll = 50 * time.Millisecond

// Lock takes the file lock at path (flock(2), LockFileEx on Windows),
// creating its directory. The lock belongs to the open file, so the kernel
// releases it when the process dies: there are no stale locks. what names
// the locked thing in errors. It waits at most timeout (0 = until ctx ends),
// calling onWait once if it has to wait at all. A timeout gives an error
// wrapping ErrLockTimeout; a cancelled ctx gives ctx's error.
func Lock(ctx context.Context, path, what string, timeout time.Duration, onWait func()) (release func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("locking %s: %w", what, err)
	}
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s (%s): %w", what, path, err)
	}
	if ok {
		return func() { fl.Unlock() }, nil
	}
	if onWait != nil {
		onWait()
	}
	wctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ok, err = fl.TryLockContext(wctx, lockPoll)
	if ok {
		return func() { fl.Unlock() }, nil
	}
	fl.Close()
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("waiting for the lock on %s: %w", what, ctx.Err())
	case wctx.Err() != nil:
		return nil, fmt.Errorf("%s (lock %s, waited %s): %w", what, path, timeout, ErrLockTimeout)
	case err != nil:
		return nil, fmt.Errorf("locking %s (%s): %w", what, path, err)
	}
	return nil, fmt.Errorf("locking %s (%s): lock not acquired", what, path)
}

// TryLock takes the lock at path only if it is free at once; ok is false
// when another process holds it. For sweeps, which skip what is in use.
func TryLock(path string) (release func(), ok bool) {
	fl := flock.New(path)
	got, err := fl.TryLock()
	if err != nil || !got {
		fl.Close()
		return nil, false
	}
	return func() { fl.Unlock() }, true
}
