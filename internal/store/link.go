package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fsutil"
)

// Link points the minor-version link (cpython-3.14-linux-x86_64-gnu) at the
// newest patch installed and links the executables (python3.14, python3.14t,
// pypy3.11, ...) into BinDir through it.
//
// Links lists every command now in place, whether created, updated or
// already right. Where Windows refuses symlinks, commands are .cmd shims,
// and without directory links there is no minor link: commands then go to
// the build folder directly. ctx bounds the wait for the links lock, so
// that Ctrl-C interrupts it.
func (l Layout) Link(ctx context.Context, inst Installation, opts LinkOptions) (LinkReport, error) {
	if err := checkKey(inst.Entry.Key); err != nil {
		return LinkReport{}, err
	}
	l, err := l.absolute()
	if err != nil {
		return LinkReport{}, err
	}
	rep := LinkReport{OnPATH: l.OnPATH()}
	release, err := l.lockLinks(ctx)
	if err != nil {
		return rep, err
	}
	defer release()
	l.sweepLinkTemps(l.InstallDir)

	newest, base, err := l.updateMinorLink(inst.Entry, &inst, "")
	if err != nil {
		return rep, err
	}
	// PEP 514 (Windows): not fatal, the build runs without it.
	rep.Registered, rep.RegistryErr = l.register(inst)
	if opts.NoBin {
		return rep, nil
	}
	if l.BinDir == "" {
		return rep, errors.New("bin dir is not set")
	}
	if err := os.MkdirAll(l.BinDir, 0o755); err != nil {
		return rep, fmt.Errorf("creating bin dir: %w", err)
	}
	l.sweepLinkTemps(l.BinDir)
	// The commands run what the minor link points at, so read that tree.
	exes, err := Executables(newest.Entry, newest.Dir, opts.Default)
	if err != nil {
		return rep, err
	}
	for _, x := range exes {
		target := filepath.Join(base, filepath.FromSlash(x.Rel))
		path, placed, err := l.placeBin(x.Name, target, opts.Force)
		if err != nil {
			return rep, fmt.Errorf("linking %s: %w", x.Name, err)
		}
		if placed {
			rep.Links = append(rep.Links, path)
		} else {
			rep.Skipped = append(rep.Skipped, path)
		}
	}
	return rep, nil
}

// sameGroup lists the installs sharing e's minor link, with extra added when
// it is not on disk under its key (yet) and the build keyed exclude left out
// (one about to be removed).
func (l Layout) sameGroup(e catalog.Entry, extra *Installation, exclude string) ([]Installation, error) {
	all, err := l.Installed()
	if err != nil {
		return nil, err
	}
	name := MinorLinkName(e)
	var group []Installation
	found := extra == nil
	for _, in := range all {
		if MinorLinkName(in.Entry) == name && in.Entry.Key != exclude {
			group = append(group, in)
			found = found || in.Entry.Key == extra.Entry.Key
		}
	}
	if !found {
		group = append(group, *extra)
	}
	return group, nil
}

// updateMinorLink points e's minor link at the newest install of its group
// (leaving out the build keyed exclude, when set), or removes it when the
// group is empty (newest is then nil). base is the
// folder the commands should go through: the minor link, or the build
// folder itself where directory links cannot be made.
func (l Layout) updateMinorLink(e catalog.Entry, extra *Installation, exclude string) (newest *Installation, base string, err error) {
	group, err := l.sameGroup(e, extra, exclude)
	if err != nil {
		return nil, "", err
	}
	name := MinorLinkName(e)
	path := filepath.Join(l.InstallDir, name)
	fi, lerr := os.Lstat(path)
	if lerr != nil && !errors.Is(lerr, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("minor link %s: %w", path, lerr)
	}
	if lerr == nil && fi.Mode()&fs.ModeSymlink == 0 {
		return nil, "", fmt.Errorf("minor link %s: a file pyget did not make is in the way", path)
	}
	if len(group) == 0 {
		if lerr == nil {
			// The commands through the link go first: were they removed
			// after it, a kill in between would leave them leading nowhere.
			if err := l.removeThrough(false, name); err != nil {
				return nil, "", err
			}
			if err := os.Remove(path); err != nil {
				return nil, "", fmt.Errorf("removing minor link: %w", err)
			}
		}
		return nil, "", nil
	}
	best := group[0]
	for _, in := range group[1:] {
		if Newer(in.Entry, best.Entry) {
			best = in
		}
	}
	// Relative, so the install dir can be moved as a whole.
	target := best.Entry.Key
	if cur, err := os.Readlink(path); err == nil && cur == target {
		return &best, path, nil
	}
	if err := replaceLink(target, path, true); err != nil {
		if errors.Is(err, errNoDirLinks) {
			return &best, best.Dir, nil
		}
		return nil, "", fmt.Errorf("minor link %s: %w", path, err)
	}
	return &best, path, nil
}

// replaceLink makes path a symlink to target without a moment where path is
// missing: a temp link renamed over it.
func replaceLink(target, path string, dir bool) error {
	tmp := filepath.Join(filepath.Dir(path), linkTemp+randomSuffix())
	if err := symlink(target, tmp, dir); err != nil {
		return err
	}
	if err := renameOver(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// sweepLinkTemps removes temp links a killed pyget left, and the temp files
// of interrupted .cmd shim writes (fsutil's ".<name>.cmd.tmp-*", Windows).
// Must hold the links lock.
func (l Layout) sweepLinkTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range entries {
		name := de.Name()
		link := strings.HasPrefix(name, linkTemp) && de.Type()&fs.ModeSymlink != 0
		shim := isShimTemp(name) && de.Type().IsRegular()
		if link || shim {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// isShimTemp reports whether name is the temp file of a .cmd shim write
// (fsutil.WriteFile's temp for "<command>.cmd"), not a user's file.
func isShimTemp(name string) bool {
	base, _, ok := strings.Cut(name, ".tmp-")
	return ok && fsutil.IsTemp(name) && strings.HasSuffix(base, ".cmd")
}

// binEntry is what sits at a command's path in BinDir.
type binEntry struct {
	exists bool
	isDir  bool
	ours   bool   // a link or shim pyget made: it points into InstallDir
	dest   string // where it points, absolute
}

func (l Layout) readBin(path string) (binEntry, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return binEntry{}, nil
	}
	if err != nil {
		return binEntry{}, err
	}
	b := binEntry{exists: true, isDir: fi.IsDir()}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		dest, err := os.Readlink(path)
		if err != nil {
			return binEntry{}, err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		b.dest = filepath.Clean(dest)
	case fi.Mode().IsRegular():
		b.dest = readShim(path)
	}
	b.ours = b.dest != "" && under(b.dest, l.InstallDir) != ""
	return b, nil
}

// removeDangling removes the commands pyget made that went through one of
// names (a minor link or build folder in InstallDir) and now lead nowhere.
// Must hold the links lock.
func (l Layout) removeDangling(names ...string) error { return l.removeThrough(true, names...) }

// removeThrough removes the commands pyget made that go through one of
// names; only those that lead nowhere when dangling. Must hold the links
// lock.
func (l Layout) removeThrough(dangling bool, names ...string) error {
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
	var errs []error
	for _, de := range entries {
		path := filepath.Join(l.BinDir, de.Name())
		b, err := l.readBin(path)
		if err != nil || !b.ours {
			continue
		}
		first := firstComponent(b.dest, l.InstallDir)
		match := false
		for _, n := range names {
			match = match || first == n
		}
		if !match {
			continue
		}
		if _, err := os.Stat(b.dest); dangling && !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := removeFile(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing %s: %w", path, err))
		}
	}
	return errors.Join(errs...)
}

// errNoDirLinks means directory links cannot be made here (Windows without
// the symlink privilege): commands then point at the build folder itself.
var errNoDirLinks = errors.New("directory links not permitted")
