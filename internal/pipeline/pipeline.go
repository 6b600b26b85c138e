// Package pipeline composes the pipeline: a catalog entry goes to the
// transfer layer, whose stream feeds the extractor while it arrives, and the
// verified tree is committed into the install directory under the build's
// lock. The CLI calls it; nothing here prints.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"github.com/pyget/pyget/internal/archive"
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/store"
)

// ErrDigestMismatch reports a local archive whose bytes differ from the
// catalog's digest.
var ErrDigestMismatch = errors.New("sha256 mismatch")

// Installer installs catalog entries and local archives.
type Installer struct {
	Layout      store.Layout
	Fetcher     *fetch.Fetcher
	LockTimeout time.Duration // 0 = wait forever
	Links       store.LinkOptions
	Reinstall   bool
	Limits      archive.Limits
	// Offline allows no download: only archives already in the cache.
	Offline bool
	// OnWait is called when another process holds the build's lock.
	OnWait func(key string)
}

// ErrOffline reports a build that needs a download while offline.
var ErrOffline = errors.New("not in the download cache, and offline")

// Outcome describes one finished install.
type Outcome struct {
	Installation store.Installation
	Already      bool // it was installed before; nothing was downloaded
	Transfer     fetch.Result
	Links        store.LinkReport
	Elapsed      time.Duration
}

// maxRestarts bounds how often extraction starts over because the transfer
// restarted from byte zero underneath it. The transfer's own retry budget
// already bounds restarts; this is only a backstop against a loop.
const maxRestarts = 100

// InstallEntry installs e unless it is installed already (or Reinstall).
func (in *Installer) InstallEntry(ctx context.Context, e catalog.Entry) (Outcome, error) {
	format, err := archive.FormatOf(e.URL)
	if err != nil {
		return Outcome{}, err
	}
	return in.install(ctx, e, func(stage *store.Staging) (fetch.Result, string, error) {
		if in.Offline && !in.cached(e) {
			return fetch.Result{}, "", ErrOffline
		}
		result, err := in.fetchAndExtract(ctx, e, format, stage)
		if errors.Is(err, fetch.ErrCorruptCache) && !in.Offline {
			// The cached archive went bad on disk and is gone now: download it.
			if err = emptyDir(stage.Dir); err == nil {
				result, err = in.fetchAndExtract(ctx, e, format, stage)
			}
		}
		source := result.URL
		if source == "" {
			source = e.URL // from the archive cache: the catalog's URL
		}
		return result, source, err
	})
}

// install runs what every install shares: the build's lock, a second look
// under it (another process may have installed the build meanwhile), a
// staged tree that fill populates and verifies, the commit and the links.
// Whatever fails, the staged tree goes and a previous install stays.
func (in *Installer) install(ctx context.Context, e catalog.Entry, fill func(*store.Staging) (fetch.Result, string, error)) (Outcome, error) {
	start := time.Now()
	release, err := in.Layout.Lock(ctx, e.Key, in.LockTimeout, in.onWait(e.Key))
	if err != nil {
		return Outcome{}, err
	}
	defer release()
	if inst, ok, err := findInstalled(in.Layout, e.Key); err != nil {
		return Outcome{}, err
	} else if ok && (!in.Reinstall || waitedFor(inst, start)) {
		return in.already(inst, start)
	}

	stage, err := in.Layout.Stage(e.Key)
	if err != nil {
		return Outcome{}, err
	}
	committed := false
	defer func() {
		if !committed {
			stage.Abort()
		}
	}()
	result, source, err := fill(stage)
	if err != nil {
		return Outcome{}, err
	}
	rec := store.Record{Entry: e, SHA256: result.SHA256, SourceURL: source, InstalledAt: time.Now().UTC()}
	inst, err := stage.Commit(rec)
	if err != nil {
		return Outcome{}, err
	}
	committed = true
	links, err := in.Layout.Link(inst, in.Links)
	if err != nil {
		return Outcome{}, fmt.Errorf("installed %s but could not link it: %w", e.Key, err)
	}
	return Outcome{Installation: inst, Transfer: result, Links: links, Elapsed: time.Since(start)}, nil
}

func (in *Installer) fetchAndExtract(ctx context.Context, e catalog.Entry, format archive.Format, stage *store.Staging) (fetch.Result, error) {
	stream, err := in.Fetcher.Start(ctx, fetch.Target{Name: e.Key, URL: e.URL, SHA256: e.SHA256})
	if err != nil {
		return fetch.Result{}, err
	}
	defer stream.Close()
	return in.extractStream(ctx, stream, format, stage)
}

// extractStream feeds the transfer to the extractor while it arrives. When
// the transfer restarts from zero, the half-extracted tree may hold wrong
// bytes, so the stage is emptied and extraction starts over.
func (in *Installer) extractStream(ctx context.Context, stream *fetch.Stream, format archive.Format, stage *store.Staging) (fetch.Result, error) {
	if format == archive.Zip {
		// Zip needs random access: wait for the verified file.
		result, err := stream.Wait()
		if err != nil {
			return fetch.Result{}, err
		}
		if result.FromCache {
			// Reading a cached archive through the stream checks its digest
			// (removing it if damaged); zip cannot be extracted from a stream.
			if _, err := io.Copy(io.Discard, stream.NewReader()); err != nil {
				return fetch.Result{}, err
			}
		}
		return result, archive.ExtractZip(ctx, result.Path, stage.Dir, in.Limits)
	}
	reread := false
	for restarts := 0; ; restarts++ {
		r := stream.NewReader()
		err := archive.Extract(ctx, r, format, stage.Dir, in.Limits)
		if err == nil {
			// Read to the end: only there does the reader vouch for the
			// digest (of a cached archive, or of trailing bytes the
			// extractor had no use for).
			_, err = io.Copy(io.Discard, r)
		}
		if errors.Is(err, fetch.ErrRestarted) && restarts < maxRestarts {
			if err := emptyDir(stage.Dir); err != nil {
				return fetch.Result{}, err
			}
			continue
		}
		// The transfer's verdict comes first: an extraction error caused by a
		// transfer that failed for good is reported as that failure.
		result, werr := stream.Wait()
		if werr != nil {
			return fetch.Result{}, werr
		}
		if err != nil && result.FromCache {
			// A cached archive the extractor calls corrupt may have been
			// damaged on disk: finish hashing it, which removes it if so.
			if _, derr := io.Copy(io.Discard, r); errors.Is(derr, fetch.ErrCorruptCache) {
				return fetch.Result{}, derr
			}
		}
		if err != nil && !result.FromCache && !reread {
			// The extractor may have choked on bytes that were wrong in
			// transit (a flipped byte early in the body) before the transfer
			// noticed the digest and fetched them again: the archive is
			// verified now, so give it one clean read before blaming it.
			reread = true
			if err := emptyDir(stage.Dir); err != nil {
				return fetch.Result{}, err
			}
			continue
		}
		if err != nil {
			return fetch.Result{}, fmt.Errorf("extracting %s: %w", result.Path, err)
		}
		return result, nil
	}
}

// InstallArchive installs a local archive as entry e. The digest is checked
// when wantSHA256 is known; the bytes are hashed while they are extracted.
func (in *Installer) InstallArchive(ctx context.Context, path string, e catalog.Entry, wantSHA256 string) (Outcome, error) {
	format, err := archive.FormatOf(path)
	if err != nil {
		return Outcome{}, err
	}
	return in.install(ctx, e, func(stage *store.Staging) (fetch.Result, string, error) {
		sum, size, err := extractLocal(ctx, path, format, stage.Dir, in.Limits)
		if err != nil {
			return fetch.Result{}, "", err
		}
		if wantSHA256 != "" && sum != wantSHA256 {
			return fetch.Result{}, "", fmt.Errorf("%s: %w: want %s, got %s", path, ErrDigestMismatch, wantSHA256, sum)
		}
		return fetch.Result{Path: path, SHA256: sum, Size: size}, path, nil
	})
}

func extractLocal(ctx context.Context, path string, format archive.Format, dest string, lim archive.Limits) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	if format == archive.Zip {
		if size, err = io.Copy(h, f); err != nil {
			return "", 0, fmt.Errorf("reading %s: %w", path, err)
		}
		return hex.EncodeToString(h.Sum(nil)), size, archive.ExtractZip(ctx, path, dest, lim)
	}
	counted := &hashingReader{r: f, h: h}
	if err := archive.Extract(ctx, counted, format, dest, lim); err != nil {
		return "", 0, fmt.Errorf("extracting %s: %w", path, err)
	}
	// The extractor may stop before trailing padding: hash the rest too so
	// the digest covers the whole file.
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), counted.n, nil
}

type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	return n, err
}

// Relink repairs the links of an installed build, under its lock so that
// a concurrent uninstall cannot leave a link to a removed tree.
func (in *Installer) Relink(ctx context.Context, key string) (Outcome, error) {
	start := time.Now()
	release, err := in.Layout.Lock(ctx, key, in.LockTimeout, in.onWait(key))
	if err != nil {
		return Outcome{}, err
	}
	defer release()
	inst, ok, err := findInstalled(in.Layout, key)
	if err != nil {
		return Outcome{}, err
	}
	if !ok {
		return Outcome{}, fmt.Errorf("%s: %w", key, store.ErrNotInstalled)
	}
	return in.already(inst, start)
}

// already reports an install that was there before; call under its lock.
func (in *Installer) already(inst store.Installation, start time.Time) (Outcome, error) {
	links, err := in.Layout.Link(inst, in.Links)
	if err != nil {
		return Outcome{}, fmt.Errorf("linking %s: %w", inst.Entry.Key, err)
	}
	return Outcome{Installation: inst, Already: true, Links: links, Elapsed: time.Since(start)}, nil
}

func (in *Installer) onWait(key string) func() {
	if in.OnWait == nil {
		return nil
	}
	return func() { in.OnWait(key) }
}

// waitedFor reports whether inst was installed by another process after we
// started: a --reinstall that waited for a concurrent install of the same
// build is satisfied by it.
func waitedFor(inst store.Installation, start time.Time) bool {
	return inst.InstalledAt.After(start)
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, de := range entries {
		if err := os.RemoveAll(dir + string(os.PathSeparator) + de.Name()); err != nil {
			return err
		}
	}
	return nil
}

func findInstalled(l store.Layout, key string) (store.Installation, bool, error) {
	all, err := l.Installed()
	if err != nil {
		return store.Installation{}, false, err
	}
	for _, inst := range all {
		if inst.Entry.Key == key {
			return inst, true, nil
		}
	}
	return store.Installation{}, false, nil
}

// cached reports whether e's verified archive is in the cache.
func (in *Installer) cached(e catalog.Entry) bool {
	if e.SHA256 == "" {
		return false
	}
	_, err := os.Stat(in.Fetcher.ArchivePath(e.SHA256))
	return err == nil
}
