package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// lockPoll is how often a waiting pyget retries a held lock. flock has no
// portable blocking wait with a deadline, so waiting is a retry loop.
const lockPoll = 50 * time.Millisecond

func (l Layout) lockPath(name string) string {
	return filepath.Join(l.InstallDir, locksDir, name+".lock")
}

// acquire takes the file lock at path. The lock is tied to the open file, so
// it is released by the kernel if the process dies: no stale locks.
func acquire(ctx context.Context, path, what string, timeout time.Duration, onWait func()) (*flock.Flock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating lock dir for %s: %w", what, err)
	}
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s (%s): %w", what, path, err)
	}
	if ok {
		return fl, nil
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
		return fl, nil
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

func (l Layout) lock(ctx context.Context, key string, timeout time.Duration, onWait func()) (func(), error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	l, err := l.absolute()
	if err != nil {
		return nil, err
	}
	fl, err := acquire(ctx, l.lockPath(key), key, timeout, onWait)
	if err != nil {
		return nil, err
	}
	// Holding the lock proves no live pyget owns a staging folder of key,
	// so whatever a killed one left behind can go.
	l.sweep(key)
	return func() { fl.Unlock() }, nil
}

// lockLinks serializes updates of links shared by several builds (minor
// links, python3, python). It is always taken after a build lock, never
// before, so the two cannot deadlock.
func (l Layout) lockLinks(ctx context.Context) (func(), error) {
	fl, err := acquire(ctx, l.lockPath(linksLockName), "the shared links", 0, nil)
	if err != nil {
		return nil, err
	}
	return func() { fl.Unlock() }, nil
}

// leftover parses name as <prefix><key>-<digits>, the names pyget gives its
// hidden folders. The digit suffix keeps key "a-b" from claiming "a-b-c"'s.
func leftover(name, prefix, key string) bool {
	rest, ok := strings.CutPrefix(name, prefix+key+"-")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sweep removes what killed pygets left of key. Must hold key's lock. If a
// crash hit the gap of a non-atomic swap (the final name missing, the old
// tree aside), the old tree is put back first. Best effort: a leftover that
// cannot be removed now is retried by the next pyget.
func (l Layout) sweep(key string) {
	entries, err := os.ReadDir(l.InstallDir)
	if err != nil {
		return
	}
	final := l.Path(key)
	_, ferr := os.Lstat(final)
	missing := errors.Is(ferr, os.ErrNotExist)
	for _, de := range entries {
		name := de.Name()
		p := filepath.Join(l.InstallDir, name)
		switch {
		case leftover(name, prevPrefix, key):
			if missing {
				if _, err := readInstallation(p, key); err == nil && os.Rename(p, final) == nil {
					missing = false
					continue
				}
			}
			os.RemoveAll(p)
		case leftover(name, tmpPrefix, key), leftover(name, oldPrefix, key):
			os.RemoveAll(p)
		}
	}
}
