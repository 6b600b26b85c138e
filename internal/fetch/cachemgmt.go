package fetch

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pyget/pyget/internal/fsutil"
)

// Cache management (pyget cache size, prune, clean): what the cache holds
// and removing parts of it, safe against other pygets using it. A partial
// download goes only under its download lock, which a running download
// holds from start to end, so a download in progress is never touched: it
// is reported busy instead. An archive goes under the download lock of its
// digest too, so that removing it never races a download renaming a fresh
// copy into place. An install reading a cached archive keeps reading it
// through its open file after the unlink (on Windows the open file makes
// the removal fail, which is reported). Lock files stay: they are empty,
// and removing one while another process waits on it would let two
// processes hold "the" lock.

// DefaultPruneAge is how long a partial download must have been untouched
// before Prune removes it, unless told otherwise.
const DefaultPruneAge = 24 * time.Hour

// Usage is the size of some files.
type Usage struct {
	Files int
	Bytes int64
}

func (u *Usage) add(v Usage) {
	u.Files += v.Files
	u.Bytes += v.Bytes
}

// DirUsage is the size of one of the other caches in the cache folder.
type DirUsage struct {
	Path string
	Usage
}

// CacheUsage is what the cache folder holds.
type CacheUsage struct {
	Archives Usage      // archives/<sha256>: verified archives
	Partials Usage      // downloads/: unfinished downloads, their sidecars and interrupted sidecar saves (not the empty lock files)
	Other    []DirUsage // the other caches asked about, in the order asked (zero when missing)
}

// Total is the sum of it all.
func (u CacheUsage) Total() Usage {
	t := u.Archives
	t.add(u.Partials)
	for _, o := range u.Other {
		t.add(o.Usage)
	}
	return t
}

// ItemKind says what a CacheItem is.
type ItemKind string

const (
	ItemArchive ItemKind = "archive" // archives/<sha256>
	ItemPartial ItemKind = "partial" // downloads/<key>.part and its sidecars
	ItemOther   ItemKind = "other"   // another cache's folder, removed whole
)

// CacheItem is one thing in the cache that a prune or clean considered.
type CacheItem struct {
	Kind ItemKind
	// Name is the archive's sha256, the partial's key (its sha256, or
	// url-<hash> for a download without one), or the other cache's path.
	Name    string
	ModTime time.Time // its newest file's
	Usage
}

// CacheReport says what a prune or clean did (with DryRun: would do).
type CacheReport struct {
	Removed []CacheItem
	Busy    []CacheItem // left alone: a running download holds their lock
}

// Freed is what the removed items took.
func (r CacheReport) Freed() Usage {
	var u Usage
	for _, it := range r.Removed {
		u.add(it.Usage)
	}
	return u
}

// PruneOptions says what Prune removes.
type PruneOptions struct {
	// Keep says which archives stay, by sha256 (the installed builds');
	// the others go. Nil keeps every archive.
	Keep func(sha256 string) bool
	// PartialMaxAge: partial downloads untouched for longer go (when their
	// lock is free). 0 = DefaultPruneAge.
	PartialMaxAge time.Duration
	DryRun        bool // report only
}

// CleanOptions says what Clean removes besides archives and partials.
type CleanOptions struct {
	// Others are the other caches in the cache folder (the catalog's, the
	// provenance checks'), removed whole. Each must be inside the cache
	// folder.
	Others []string
	DryRun bool // report only
}

// Usage measures the archives, the partial downloads and the other caches
// named (paths of folders inside the cache folder, or of files).
func (f *Fetcher) Usage(others ...string) (CacheUsage, error) {
	var u CacheUsage
	archives, err := f.archiveItems()
	if err != nil {
		return u, err
	}
	for _, it := range archives {
		u.Archives.add(it.Usage)
	}
	partials, err := f.partialItems()
	if err != nil {
		return u, err
	}
	for _, it := range partials {
		u.Partials.add(it.Usage)
	}
	for _, o := range others {
		du, _, err := treeUsage(o)
		if err != nil {
			return u, err
		}
		u.Other = append(u.Other, DirUsage{Path: o, Usage: du})
	}
	return u, nil
}

// Prune removes the archives opt.Keep rejects and the partial downloads
// untouched for opt.PartialMaxAge, except those a running download holds
// (reported busy). It carries on past a file it cannot remove and returns
// those errors together.
func (f *Fetcher) Prune(opt PruneOptions) (CacheReport, error) {
	maxAge := opt.PartialMaxAge
	if maxAge <= 0 {
		maxAge = DefaultPruneAge
	}
	cutoff := f.hooks.now().Add(-maxAge)
	var archives []CacheItem
	if opt.Keep != nil {
		all, err := f.archiveItems()
		if err != nil {
			return CacheReport{}, err
		}
		for _, it := range all {
			if !opt.Keep(it.Name) {
				archives = append(archives, it)
			}
		}
	}
	partials, err := f.partialItems()
	if err != nil {
		return CacheReport{}, err
	}
	var old []CacheItem
	for _, it := range partials {
		if it.ModTime.Before(cutoff) {
			old = append(old, it)
		}
	}
	return f.removeItems(archives, old, nil, cutoff, opt.DryRun)
}

// Clean removes every archive and partial download but those a running
// download holds (reported busy), and the other caches opt names.
func (f *Fetcher) Clean(opt CleanOptions) (CacheReport, error) {
	for _, o := range opt.Others {
		if !f.inCache(o) {
			return CacheReport{}, fmt.Errorf("clean %s: not inside the cache folder %s", o, f.cfg.CacheDir)
		}
	}
	archives, err := f.archiveItems()
	if err != nil {
		return CacheReport{}, err
	}
	partials, err := f.partialItems()
	if err != nil {
		return CacheReport{}, err
	}
	var others []CacheItem
	for _, o := range opt.Others {
		u, mod, err := treeUsage(o)
		if err != nil {
			return CacheReport{}, err
		}
		if u.Files > 0 || exists(o) {
			others = append(others, CacheItem{Kind: ItemOther, Name: o, ModTime: mod, Usage: u})
		}
	}
	return f.removeItems(archives, partials, others, time.Time{}, opt.DryRun)
}

// Remove removes the archives, and the partial downloads, of these digests,
// but those a running download holds (reported busy).
func (f *Fetcher) Remove(sha256s []string, dryRun bool) (CacheReport, error) {
	want := map[string]bool{}
	for _, s := range sha256s {
		s = strings.ToLower(s)
		if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
			return CacheReport{}, fmt.Errorf("remove from the cache: %q is not a sha256", s)
		}
		want[s] = true
	}
	all, err := f.archiveItems()
	if err != nil {
		return CacheReport{}, err
	}
	var archives []CacheItem
	for _, it := range all {
		if want[it.Name] {
			archives = append(archives, it)
		}
	}
	parts, err := f.partialItems()
	if err != nil {
		return CacheReport{}, err
	}
	var partials []CacheItem
	for _, it := range parts {
		if want[it.Name] {
			partials = append(partials, it)
		}
	}
	return f.removeItems(archives, partials, nil, time.Time{}, dryRun)
}

// removeItems removes archives and partials, each under its download lock,
// and others whole. A partial touched after cutoff by the time its lock is
// taken (a download ran in between) stays.
func (f *Fetcher) removeItems(archives, partials, others []CacheItem, cutoff time.Time, dryRun bool) (CacheReport, error) {
	var rep CacheReport
	var errs []error
	if !dryRun && len(archives)+len(partials) > 0 {
		if err := os.MkdirAll(f.downloadsDir(), 0o755); err != nil {
			return rep, fmt.Errorf("clean the cache: %w", err)
		}
	}
	for _, it := range archives {
		release, ok := f.tryDownloadLock(it.Name, dryRun)
		if !ok {
			rep.Busy = append(rep.Busy, it)
			continue
		}
		var err error
		if !dryRun {
			err = os.Remove(f.ArchivePath(it.Name))
		}
		release()
		switch {
		case errors.Is(err, fs.ErrNotExist): // someone else removed it
		case err != nil:
			errs = append(errs, err)
		default:
			rep.Removed = append(rep.Removed, it)
		}
	}
	for _, it := range partials {
		release, ok := f.tryDownloadLock(it.Name, dryRun)
		if !ok {
			rep.Busy = append(rep.Busy, it)
			continue
		}
		removed, err := f.removePartial(it.Name, cutoff, dryRun)
		release()
		if err != nil {
			errs = append(errs, err)
		}
		if removed {
			rep.Removed = append(rep.Removed, it)
		}
	}
	for _, it := range others {
		if !dryRun {
			if err := os.RemoveAll(it.Name); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		rep.Removed = append(rep.Removed, it)
	}
	return rep, errors.Join(errs...)
}

// removePartial removes key's partial, sidecar and interrupted sidecar
// saves, the caller holding key's lock; with a cutoff, not if a file was
// touched after it. removed is false when nothing was there to remove.
func (f *Fetcher) removePartial(key string, cutoff time.Time, dryRun bool) (removed bool, err error) {
	paths, _ := filepath.Glob(filepath.Join(f.downloadsDir(), fsutil.TempPattern(key+".json")))
	paths = append(paths, filepath.Join(f.downloadsDir(), key+".part"), filepath.Join(f.downloadsDir(), key+".json"))
	var present []string
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if !cutoff.IsZero() && fi.ModTime().After(cutoff) {
			return false, nil // a download ran since the scan
		}
		present = append(present, p)
	}
	if dryRun {
		return len(present) > 0, nil
	}
	var errs []error
	for _, p := range present {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		} else if err == nil {
			removed = true
		}
	}
	return removed, errors.Join(errs...)
}

// tryDownloadLock takes key's download lock if no running download holds
// it. With dryRun it creates nothing: a missing lock file is a free lock.
func (f *Fetcher) tryDownloadLock(key string, dryRun bool) (release func(), ok bool) {
	path := filepath.Join(f.downloadsDir(), key+".lock")
	if dryRun && !exists(path) {
		return func() {}, true
	}
	return fsutil.TryLock(path)
}

// archiveItems lists the archives, by digest.
func (f *Fetcher) archiveItems() ([]CacheItem, error) {
	entries, err := readDir(f.archivesDir())
	if err != nil {
		return nil, err
	}
	var out []CacheItem
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		out = append(out, CacheItem{Kind: ItemArchive, Name: e.Name(), ModTime: fi.ModTime(), Usage: Usage{1, fi.Size()}})
	}
	return out, nil
}

// partialItems lists the partial downloads, by key, each with its
// sidecar and interrupted sidecar saves.
func (f *Fetcher) partialItems() ([]CacheItem, error) {
	entries, err := readDir(f.downloadsDir())
	if err != nil {
		return nil, err
	}
	byKey := map[string]*CacheItem{}
	for _, e := range entries {
		key, ok := downloadKey(e.Name())
		if !ok {
			continue // a lock file, or not ours
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		it := byKey[key]
		if it == nil {
			it = &CacheItem{Kind: ItemPartial, Name: key}
			byKey[key] = it
		}
		it.add(Usage{1, fi.Size()})
		if fi.ModTime().After(it.ModTime) {
			it.ModTime = fi.ModTime()
		}
	}
	out := make([]CacheItem, 0, len(byKey))
	for _, it := range byKey {
		out = append(out, *it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// inCache reports whether p is strictly inside the cache folder.
func (f *Fetcher) inCache(p string) bool {
	rel, err := filepath.Rel(f.cfg.CacheDir, p)
	return err == nil && rel != "." && filepath.IsLocal(rel)
}

// treeUsage sums the regular files under p (p itself when a file), and
// their newest modification time; a missing p is empty.
func treeUsage(p string) (Usage, time.Time, error) {
	var u Usage
	var mod time.Time
	err := filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		u.add(Usage{1, fi.Size()})
		if fi.ModTime().After(mod) {
			mod = fi.ModTime()
		}
		return nil
	})
	return u, mod, err
}

// readDir lists dir, sorted; a missing dir is empty.
func readDir(dir string) ([]fs.DirEntry, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
