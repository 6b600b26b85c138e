package fetch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/pyget/pyget/internal/fsutil"
)

// The archive cache: <cache>/archives/<sha256> exists only once a transfer
// has verified it (the verified partial is renamed there). Nothing vouches
// for it after that (no fsync, a disk can rot), so every Stream over a
// cached archive verifies the digest as its readers read, whether the hit
// is found by Start or by a transfer that waited for another process's lock,
// and Stream.WaitVerified hashes a hit no reader read whole; a damaged one is
// removed under its download lock. Cached only says whether a hit is worth
// trying.

// ErrCorruptCache marks a cached archive whose bytes no longer match its
// digest. The file is removed, so the next Start downloads it again.
var ErrCorruptCache = errors.New("cached archive is corrupt")

// ArchivePath is where the verified archive with this digest lives in the
// cache. Read it through Start, which verifies it.
func (f *Fetcher) ArchivePath(sha string) string { return filepath.Join(f.archivesDir(), sha) }

// Cached reports whether t's archive is in the cache as far as its size
// tells (the size t gives, else any size but zero), so that Start would use
// no network. The digest is checked when the archive is read.
func (f *Fetcher) Cached(t Target) bool {
	if validateTarget(&t) != nil {
		return false
	}
	file, _, ok := f.openCached(t)
	if ok {
		file.Close()
	}
	return ok
}

// openCached opens t's cached archive: a regular file, not empty, of t's
// size when t gives one.
func (f *Fetcher) openCached(t Target) (*os.File, int64, bool) {
	if t.SHA256 == "" {
		return nil, 0, false
	}
	file, err := os.Open(f.ArchivePath(t.SHA256))
	if err != nil {
		return nil, 0, false
	}
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 || (t.Size > 0 && fi.Size() != t.Size) {
		file.Close()
		return nil, 0, false
	}
	return file, fi.Size(), true
}

// cachedStream is a finished Stream over t's cached archive, if there is one.
func (f *Fetcher) cachedStream(t Target) (*Stream, bool) {
	file, size, ok := f.openCached(t)
	if !ok {
		return nil, false
	}
	s := newStream(t.Name, func() {})
	s.finish(f.serveCached(s, t, file, size), nil)
	close(s.done)
	return s, true
}

// serveCached makes s read the cached archive file, verifying as it reads,
// and returns the transfer's result.
func (f *Fetcher) serveCached(s *Stream, t Target, file *os.File, size int64) Result {
	s.setCached(file, t.SHA256, func(read os.FileInfo) { f.dropCorrupt(t.SHA256, read) })
	f.emit(Event{Kind: EventDone, Name: t.Name, URL: t.URL, Done: size, Total: size})
	return Result{Path: file.Name(), SHA256: t.SHA256, Size: size, FromCache: true}
}

// dropWait bounds how long dropping a corrupt archive waits for its
// download lock; a holder that long is left to find the damage itself.
const dropWait = 5 * time.Second

// dropCorrupt removes the cached archive sha, read as the file read and
// found corrupt, under its download lock (as cache prune and clean remove
// archives), and only while that name still holds that file: a download
// may have put a fresh, verified archive there since.
func (f *Fetcher) dropCorrupt(sha string, read os.FileInfo) {
	release, err := fsutil.Lock(context.Background(), filepath.Join(f.downloadsDir(), sha+".lock"), "the cached archive "+sha, dropWait, nil)
	if err != nil {
		return
	}
	defer release()
	p := f.ArchivePath(sha)
	if cur, err := os.Stat(p); err == nil && (read == nil || os.SameFile(cur, read)) {
		os.Remove(p)
	}
}
