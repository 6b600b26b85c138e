package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyget/pyget/internal/fsutil"
)

// Remove deletes the complete install of key, then repairs or removes its
// minor link and the executables that pointed through it. Call only under
// Lock(key). A build that is not (or no longer) installed gives an error
// wrapping ErrNotInstalled.
func (l Layout) Remove(ctx context.Context, key string) error {
	l, err := l.absolute()
	if err != nil {
		return err
	}
	inst, ok, err := l.Find(key)
	if err != nil {
		return fmt.Errorf("uninstalling %s: %w", key, err)
	}
	if !ok {
		return fmt.Errorf("uninstalling %s: %w", key, ErrNotInstalled)
	}
	// The links go first: the minor link moves to the next newest patch (or
	// goes, with the commands through it) while this build is still whole, so
	// a kill -9 at any later moment leaves no command leading nowhere. A kill
	// before the rename leaves the build installed, merely unlinked; the next
	// install or uninstall of it links or finishes it. Renaming then makes
	// the build vanish from listings at once (the slow removal only deletes
	// a hidden folder); it happens under the same hold of the links lock, so
	// that no Link of another patch in between can point the minor link
	// back at this build just before it goes.
	// Its PEP 514 entry goes while it is still whole: a kill after this
	// leaves an installed build that the next install of it registers.
	var errs []error
	if err := l.unregister(inst); err != nil {
		errs = append(errs, fmt.Errorf("uninstalling %s: %w", key, err))
	}
	old := filepath.Join(l.InstallDir, oldPrefix+key+"-"+randomSuffix())
	var renameErr error
	if err := l.repairLinks(ctx, inst, key, func() error {
		renameErr = os.Rename(inst.Dir, old)
		return renameErr
	}); err != nil {
		if renameErr != nil {
			return fmt.Errorf("uninstalling %s: %w", key, err)
		}
		return fmt.Errorf("uninstalling %s: updating its links: %w", key, err)
	}
	fsutil.SyncDir(l.InstallDir)

	if err := os.RemoveAll(old); err != nil {
		// Already out of sight; the next Lock of this key sweeps the rest.
		errs = append(errs, fmt.Errorf("uninstalled %s but could not delete all of %s: %w", key, old, err))
	}
	// Once more now that the build is gone: a concurrent install may have
	// pointed the minor link back at it meanwhile, and commands made straight
	// to the build folder (no directory links) dangle only now.
	if err := l.repairLinks(ctx, inst, "", nil); err != nil {
		errs = append(errs, fmt.Errorf("uninstalled %s but could not update its links: %w", key, err))
	}
	return errors.Join(errs...)
}

// repairLinks re-points the minor link of a removed build at the next newest
// patch (or removes it) and removes the commands left leading nowhere.
// exclude names a build to treat as removed already; then, when not nil,
// runs while the links lock is still held.
func (l Layout) repairLinks(ctx context.Context, removed Installation, exclude string, then func() error) error {
	release, err := l.lockLinks(ctx)
	if err != nil {
		return err
	}
	defer release()
	newest, base, err := l.updateMinorLink(removed.Entry, nil, exclude)
	if err != nil {
		return err
	}
	if newest == nil {
		// The last of its group: commands made straight to its folder (no
		// directory links) go now, while it is still whole, not only
		// once they dangle.
		if err := l.removeThrough(false, removed.Entry.Key); err != nil {
			return err
		}
	}
	if newest != nil && newest.Entry.Key != removed.Entry.Key && base == newest.Dir {
		// No directory links (Windows without the symlink privilege): the
		// commands went to the removed build's folder itself, so they move
		// to the next newest patch as a minor link would have.
		if err := l.repoint(removed.Entry.Key, newest.Dir); err != nil {
			return err
		}
	}
	if err := l.removeDangling(MinorLinkName(removed.Entry), removed.Entry.Key); err != nil {
		return err
	}
	if then != nil {
		return then()
	}
	return nil
}

// repoint moves the commands pyget made into the build folder key to the
// same file in the build folder dir, where it has one. Must hold the links
// lock.
func (l Layout) repoint(key, dir string) error {
	if l.BinDir == "" {
		return nil
	}
	entries, err := os.ReadDir(l.BinDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading bin dir: %w", err)
	}
	from := filepath.Join(l.InstallDir, key)
	var errs []error
	for _, de := range entries {
		b, err := l.readBin(filepath.Join(l.BinDir, de.Name()))
		if err != nil || !b.ours {
			continue
		}
		rel := under(b.dest, from)
		if rel == "" {
			continue
		}
		target := filepath.Join(dir, rel)
		if fi, err := os.Stat(target); err != nil || !fi.Mode().IsRegular() {
			continue // nothing to move it to: removed as dangling
		}
		if _, _, err := l.placeBin(commandName(de.Name()), target, false); err != nil {
			errs = append(errs, fmt.Errorf("re-pointing %s: %w", de.Name(), err))
		}
	}
	return errors.Join(errs...)
}

// commandName is the command a file in BinDir provides: its name without
// the .exe or .cmd Windows adds (python3.14 keeps its ".14").
func commandName(file string) string {
	ext := filepath.Ext(file)
	if strings.EqualFold(ext, ".exe") || strings.EqualFold(ext, ".cmd") {
		return strings.TrimSuffix(file, ext)
	}
	return file
}
