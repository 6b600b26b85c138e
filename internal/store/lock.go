package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pyget/pyget/internal/fsutil"
)

func (l Layout) lockPath(name string) string {
	return filepath.Join(l.InstallDir, locksDir, name+".lock")
}

// Lock takes the per-build lock, waiting at most timeout (0 = forever) and
// calling onWait once if it has to wait. Stale temp folders of that key are
// swept while it is held.
//
// The lock is <InstallDir>/.locks/<key>.lock, held with flock(2) (LockFileEx
// on Windows), so a killed process never leaves it held. A timeout gives an
// error wrapping ErrLockTimeout; a cancelled ctx gives ctx's error.
func (l Layout) Lock(ctx context.Context, key string, timeout time.Duration, onWait func()) (release func(), err error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	l, err = l.absolute()
	if err != nil {
		return nil, err
	}
	release, err = fsutil.Lock(ctx, l.lockPath(key), key, timeout, onWait)
	if err != nil {
		return nil, err
	}
	// Holding the lock proves no live pyget owns a staging folder of key,
	// so whatever a killed one left behind can go.
	l.sweep(key)
	return release, nil
}

// lockLinks serializes updates of links shared by several builds (minor
// links, python3, python). It is always taken after a build lock, never
// before, so the two cannot deadlock.
func (l Layout) lockLinks(ctx context.Context) (func(), error) {
	return fsutil.Lock(ctx, l.lockPath(linksLockName), "the shared links", 0, nil)
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
