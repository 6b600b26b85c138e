// Package store owns the install directory: one folder per build named by
// its key, a minor-version link, executables in the bin dir, per-build locks,
// and atomic rename/swap so a final name exists only when its tree is complete.
//
// CONTRACT (skeleton; the implementation may add, but keep these names):
package store

import (
	"context"
	"errors"
	"os"
	"runtime"
	"time"

	"github.com/pyget/pyget/internal/catalog"
)

// ErrLockTimeout is returned when another pyget held a build's lock for longer
// than the allowed wait.
var ErrLockTimeout = errors.New("timed out waiting for another pyget")

// Layout is where builds and executables live.
type Layout struct {
	InstallDir string // PYGET_INSTALL_DIR, else $XDG_DATA_HOME/pyget/python
	BinDir     string // PYGET_BIN_DIR, else $XDG_BIN_HOME, else ~/.local/bin
}

// DefaultLayout applies the environment; flags override fields afterwards.
func DefaultLayout() (Layout, error) {
	return defaultLayout(os.Getenv, os.UserHomeDir, runtime.GOOS)
}

// Record is what an install says about itself, written inside the build
// folder before the folder gets its final name.
type Record struct {
	Entry       catalog.Entry `json:"entry"` // key, version, build tag, URL, platform
	SHA256      string        `json:"sha256"`
	SourceURL   string        `json:"source_url"` // the URL (or file) the bytes came from
	InstalledAt time.Time     `json:"installed_at"`
}

// Installation is a complete install found on disk.
type Installation struct {
	Record
	Dir        string // <InstallDir>/<key>
	Executable string // absolute path of the main interpreter in Dir
}

// Installed lists complete installs (incomplete or foreign folders are
// ignored), in key order.
func (l Layout) Installed() ([]Installation, error) {
	l, err := l.absolute()
	if err != nil {
		return nil, err
	}
	return l.installed()
}

// Lock takes the per-build lock, waiting at most timeout (0 = forever) and
// calling onWait once if it has to wait. Stale temp folders of that key are
// swept while it is held.
//
// The lock is <InstallDir>/.locks/<key>.lock, held with flock(2) (LockFileEx
// on Windows), so a killed process never leaves it held. A timeout gives an
// error wrapping ErrLockTimeout; a cancelled ctx gives ctx's error.
func (l Layout) Lock(ctx context.Context, key string, timeout time.Duration, onWait func()) (release func(), err error) {
	return l.lock(ctx, key, timeout, onWait)
}

// Stage makes a temp folder inside InstallDir for key. Call only under Lock.
func (l Layout) Stage(key string) (*Staging, error) { return l.stage(key) }

// Staging is a build being assembled.
type Staging struct {
	Dir string // <InstallDir>/.tmp-<key>-<random>: extract the tree here

	layout Layout
	key    string
	done   bool // committed or aborted
}

// Commit writes rec into the staged tree and moves it to <InstallDir>/<key>,
// atomically replacing an existing install (renameat2 RENAME_EXCHANGE on
// Linux) so there is never a moment without a complete tree.
//
// rec.Entry.Key must be the staged key and the tree must hold the
// interpreter; otherwise nothing is touched. Where the filesystem has no
// atomic exchange (Windows, some network filesystems) the old tree is renamed
// aside and the new one in: the final name is missing for that instant, and a
// crash in it is repaired by the next Lock of the key. Windows also refuses
// to move a tree whose interpreter is running.
func (s *Staging) Commit(rec Record) (Installation, error) { return s.commit(rec) }

// Abort removes the staged folder.
// After Commit it does nothing, so it can be deferred.
func (s *Staging) Abort() error { return s.abort() }

// LinkOptions controls executables.
type LinkOptions struct {
	Default bool // also python3 and python
	Force   bool // replace executables pyget did not create
	NoBin   bool // link nothing into BinDir
}

// LinkReport says what Link did.
type LinkReport struct {
	Links   []string // created or updated, absolute paths in BinDir
	Skipped []string // existing files not made by pyget (without Force)
	OnPATH  bool     // BinDir is on $PATH
}

// Link points the minor-version link (cpython-3.14-linux-x86_64-gnu) at the
// newest patch installed and links the executables (python3.14, python3.14t,
// pypy3.11, ...) into BinDir through it.
//
// Links lists every command now in place, whether created, updated or
// already right. Where Windows refuses symlinks, commands are .cmd shims,
// and without directory links there is no minor link: commands then go to
// the build folder directly.
func (l Layout) Link(inst Installation, opts LinkOptions) (LinkReport, error) {
	return l.link(inst, opts)
}

// Uninstall removes the build, then repairs or removes its minor link and the
// executables that pointed through it.
// It takes the build's lock; a build that is not there gives ErrNotInstalled.
func (l Layout) Uninstall(ctx context.Context, inst Installation) error {
	return l.uninstall(ctx, inst)
}
