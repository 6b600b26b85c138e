package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
)

// ErrNotInstalled is returned by Remove when the build is not (or no
// longer) installed, e.g. another pyget removed it first.
var ErrNotInstalled = errors.New("not installed")

// ErrBadKey is returned for a key that cannot name a folder of its own in
// InstallDir (empty, hidden, or containing a path separator).
var ErrBadKey = errors.New("invalid build key")

const (
	recordName = ".pyget-install.json"
	locksDir   = ".locks"
	// linksLockName guards the links shared by several builds; "links" is
	// therefore refused as a key.
	linksLockName = "links"

	tmpPrefix  = ".tmp-"  // a tree being staged
	oldPrefix  = ".old-"  // a replaced or uninstalled tree on its way out
	prevPrefix = ".prev-" // the previous tree during a non-atomic swap: restorable
	linkTemp   = ".pyget-link-"
)

// absolute makes both directories absolute and clean: links into InstallDir
// must not depend on the working directory, and ownership checks compare
// cleaned paths.
func (l Layout) absolute() (Layout, error) {
	if l.InstallDir == "" {
		return Layout{}, errors.New("install dir is not set")
	}
	d, err := filepath.Abs(l.InstallDir)
	if err != nil {
		return Layout{}, fmt.Errorf("install dir %s: %w", l.InstallDir, err)
	}
	l.InstallDir = d
	if l.BinDir != "" {
		b, err := filepath.Abs(l.BinDir)
		if err != nil {
			return Layout{}, fmt.Errorf("bin dir %s: %w", l.BinDir, err)
		}
		l.BinDir = b
	}
	return l, nil
}

func checkKey(key string) error {
	if key == "" || key == "." || key == ".." || strings.HasPrefix(key, ".") ||
		strings.ContainsAny(key, `/\:`+"\x00") || key == linksLockName {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// Path is where the build named key lives (or would live).
func (l Layout) Path(key string) string { return filepath.Join(l.InstallDir, key) }

// MinorLinkName names the link that follows the newest patch of e's
// implementation, minor version, variant and platform: its minor group's key
// (catalog.Entry.MinorKey), e.g. cpython-3.14-linux-x86_64-gnu.
func MinorLinkName(e catalog.Entry) string {
	return e.MinorKey()
}

// Newer reports whether a is a newer build than b (catalog.Compare), the
// key breaking ties so the choice does not depend on listing order.
func Newer(a, b catalog.Entry) bool {
	if c := catalog.Compare(a, b); c != 0 {
		return c > 0
	}
	return a.Key > b.Key
}

// OnPATH reports whether BinDir is one of the directories in PathEnv.
func (l Layout) OnPATH() bool { return onPath(l.BinDir, l.PathEnv) }

func onPath(dir, pathEnv string) bool {
	if dir == "" {
		return false
	}
	want, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for _, p := range filepath.SplitList(pathEnv) {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if samePath(abs, want) {
			return true
		}
	}
	return false
}

func samePath(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if foldCase() {
		// Both usually sit on case-insensitive filesystems.
		return strings.EqualFold(a, b)
	}
	return a == b
}

func foldCase() bool { return runtime.GOOS == "windows" || runtime.GOOS == "darwin" }

// under returns the part of path below dir, or "" when path is not strictly
// inside dir. Both must be absolute.
func under(path, dir string) string {
	path, dir = filepath.Clean(path), filepath.Clean(dir)
	prefix := dir
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	if len(path) <= len(prefix) {
		return ""
	}
	head := path[:len(prefix)]
	if head == prefix || (foldCase() && strings.EqualFold(head, prefix)) {
		return path[len(prefix):]
	}
	return ""
}

// firstComponent is the name of the entry of dir that path goes through, or
// "" when path is not inside dir.
func firstComponent(path, dir string) string {
	rest := under(path, dir)
	if i := strings.IndexRune(rest, filepath.Separator); i >= 0 {
		return rest[:i]
	}
	return rest
}
