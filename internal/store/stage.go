package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"

	"github.com/pyget/pyget/internal/fsutil"
)

// Stage makes a temp folder inside InstallDir for key. Call only under Lock.
func (l Layout) Stage(key string) (*Staging, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	l, err := l.absolute()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(l.InstallDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating install dir: %w", err)
	}
	// Inside InstallDir, so the final rename stays on one filesystem and is
	// atomic; hidden, so listings never see it.
	dir, err := os.MkdirTemp(l.InstallDir, tmpPrefix+key+"-")
	if err != nil {
		return nil, fmt.Errorf("staging %s: %w", key, err)
	}
	// MkdirTemp makes the folder private (0700), but the folder becomes the
	// build's root: other users of a shared install dir must run it.
	if err := os.Chmod(dir, 0o755); err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("staging %s: %w", key, err)
	}
	return &Staging{Dir: dir, layout: l, key: key, exchange: exchange, rename: os.Rename}, nil
}

// randomSuffix gives the digits-only suffix that sweep recognizes.
func randomSuffix() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.String()
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
func (s *Staging) Commit(rec Record) (Installation, error) {
	if s.key == "" {
		return Installation{}, errors.New("commit of a staging not made by Layout.Stage")
	}
	if s.done {
		return Installation{}, fmt.Errorf("staging of %s: already committed or aborted", s.key)
	}
	if rec.Entry.Key != s.key {
		return Installation{}, fmt.Errorf("record for %q committed to the staging of %s", rec.Entry.Key, s.key)
	}
	// A tree without its interpreter would be committed only to be
	// invisible; refuse it while the previous install is still untouched.
	if _, err := mainExecutable(rec.Entry, s.Dir); err != nil {
		return Installation{}, fmt.Errorf("not committing %s: %w", s.key, err)
	}
	// The record goes in first: the rename below is the commit, so a tree
	// under its final name always has one.
	if err := writeRecord(s.Dir, rec); err != nil {
		return Installation{}, fmt.Errorf("committing %s: %w", s.key, err)
	}
	l := s.layout
	final := l.Path(s.key)
	fi, err := os.Lstat(final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(s.Dir, final); err != nil {
			return Installation{}, fmt.Errorf("committing %s: %w", s.key, err)
		}
	case err != nil:
		return Installation{}, fmt.Errorf("committing %s: %w", s.key, err)
	case !fi.IsDir():
		return Installation{}, fmt.Errorf("committing %s: %s is in the way and is not a directory", s.key, final)
	default:
		if err := s.replace(final); err != nil {
			return Installation{}, fmt.Errorf("replacing %s: %w", final, err)
		}
	}
	s.done = true
	fsutil.SyncDir(l.InstallDir)
	inst, err := readInstallation(final, s.key)
	if err != nil {
		return Installation{}, fmt.Errorf("committed %s but cannot read it back: %w", s.key, err)
	}
	return inst, nil
}

// replace puts the staged tree at final, which holds the previous install.
func (s *Staging) replace(final string) error {
	l := s.layout
	err := s.exchange(s.Dir, final)
	if err == nil {
		// The previous tree now sits at the staging name. Processes
		// running from it keep their open files; new ones see the new tree.
		discard(s.Dir, filepath.Join(l.InstallDir, oldPrefix+s.key+"-"+randomSuffix()))
		return nil
	}
	if !errors.Is(err, errExchangeUnsupported) {
		return err
	}
	// No atomic exchange here: between these two renames the final name is
	// missing for an instant. A crash in that gap leaves the previous tree
	// at a .prev- name, which the next Lock of this key puts back.
	prev := filepath.Join(l.InstallDir, prevPrefix+s.key+"-"+randomSuffix())
	if err := os.Rename(final, prev); err != nil {
		return err
	}
	if err := s.rename(s.Dir, final); err != nil {
		if rerr := os.Rename(prev, final); rerr != nil {
			return fmt.Errorf("%w (and restoring the previous install from %s failed: %v)", err, prev, rerr)
		}
		return err
	}
	discard(prev, filepath.Join(l.InstallDir, oldPrefix+s.key+"-"+randomSuffix()))
	return nil
}

// discard renames a tree to a hidden .old- name and removes it. Failures are
// not reported: the tree is out of the way, and the next Lock of its key
// sweeps what is left.
func discard(dir, old string) {
	if os.Rename(dir, old) == nil {
		dir = old
	}
	os.RemoveAll(dir)
}

// Abort removes the staged folder.
// After Commit it does nothing, so it can be deferred.
func (s *Staging) Abort() error {
	if s.done {
		return nil
	}
	s.done = true
	if err := os.RemoveAll(s.Dir); err != nil {
		return fmt.Errorf("removing staged %s: %w", s.key, err)
	}
	return nil
}

// errExchangeUnsupported means the OS or filesystem has no atomic exchange
// of two paths, and the two-rename fallback is used.
var errExchangeUnsupported = errors.New("atomic exchange unsupported")
