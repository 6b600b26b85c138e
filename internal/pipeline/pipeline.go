// Package pipeline resolves requests (Resolver, resolver.go: which build a
// request means, installed or to download) and is the one path by which
// installs change (Installer; jobs.go runs a command's jobs): fetch ->
// verify -> extract -> commit -> link, and uninstall. A catalog entry goes to
// the transfer layer, whose stream feeds the extractor while it arrives, and
// the verified tree is committed into the store (package store) under the
// build's lock; a local archive skips the transfer. Every command that
// installs, relinks or removes a build goes through an Installer; the CLI
// never calls the store's mutating methods itself. Nothing here prints.
//
// It must never import cmd/pyget: the CLI calls it, not the reverse.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pyget/pyget/internal/archive"
	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/fsutil"
	"github.com/pyget/pyget/internal/pyfix"
	"github.com/pyget/pyget/internal/store"
)

// ErrDigestMismatch reports a local archive whose bytes differ from the
// catalog's digest.
var ErrDigestMismatch = errors.New("sha256 mismatch")

// Fetcher is what the pipeline needs of the transfer layer: a stream of an
// archive while it arrives, and whether one is cached. *fetch.Fetcher is
// the real one; tests stand in with fetch.FileStream over a file.
type Fetcher interface {
	Start(ctx context.Context, t fetch.Target) (*fetch.Stream, error)
	Cached(t fetch.Target) bool
}

// Installer installs catalog entries and local archives, relinks and
// uninstalls builds.
type Installer struct {
	Layout      store.Layout
	Fetcher     Fetcher
	LockTimeout time.Duration // 0 = wait forever
	Links       store.LinkOptions
	Reinstall   bool
	Limits      archive.Limits
	// Offline allows no download: only archives already in the cache.
	Offline bool
	// OnWait is called when another process holds the build's lock.
	OnWait func(key string)
	// OnNote, when set, receives a job's warnings (jobs.go).
	OnNote func(Note)
	// Attester, when set, checks each archive's provenance while it is
	// fetched and extracted; the install commits only if it agrees (see
	// attest.go). AttestMirror is the mirror base URL whose
	// <archive>.sigstore.json it looks at first ("" = none).
	Attester     Attester
	AttestMirror string
	// Fix says what pyfix does to each staged build besides rewriting its
	// build-time paths and compiler (see fixes.go).
	Fix pyfix.Options

	// extract is archive.Extract; tests wrap it to watch extractions.
	extract func(ctx context.Context, r io.Reader, f archive.Format, dest string, lim archive.Limits) error
}

// ErrOffline reports a build that needs a download while offline.
var ErrOffline = errors.New("not in the download cache, and offline")

// Outcome describes one finished install. The archive's digest and source
// (a mirror's URL, or the local file) are in Installation's Record.
type Outcome struct {
	Installation store.Installation
	Already      bool  // it was installed before; nothing was downloaded
	Size         int64 // bytes of the archive installed; 0 when Already
	// Transfer is the download's result; nil for a local archive, and when
	// Already.
	Transfer *fetch.Result
	Links    store.LinkReport
	Elapsed  time.Duration
	// Attestation is the provenance check's verdict (its warning or note
	// for the CLI to show); zero when nothing was checked.
	Attestation attest.Result
	// Fixes is what was changed in the build to make it work here, with
	// warnings for the CLI to show; zero when Already.
	Fixes pyfix.Report
}

// archiveInfo is what a fill says about the archive it extracted.
type archiveInfo struct {
	source   string // the URL or file the bytes came from
	sha256   string
	size     int64
	transfer *fetch.Result // downloads only
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
	return in.install(ctx, e, func(ctx context.Context, stage *store.Staging) (archiveInfo, error) {
		if in.Offline && !in.Fetcher.Cached(fetch.Target{Name: e.Key, URL: e.URL, SHA256: e.SHA256}) {
			return archiveInfo{}, ErrOffline
		}
		var result fetch.Result
		fill := func() (err error) {
			if err = emptyDir(stage.Dir); err == nil {
				result, err = in.fetchAndExtract(ctx, e, format, stage)
			}
			return err
		}
		// A cached archive that went bad on disk is gone once found: it
		// is downloaded again, unless offline.
		var err error
		if in.Offline {
			err = fill()
		} else {
			err = fetch.RetryCorrupt(fill)
		}
		if err != nil {
			return archiveInfo{}, err
		}
		source := result.URL
		if source == "" {
			source = e.URL // from the archive cache: the catalog's URL
		}
		return archiveInfo{source: source, sha256: result.SHA256, size: result.Size, transfer: &result}, nil
	})
}

// install runs what every install shares: the build's lock, a second look
// under it (another process may have installed the build meanwhile), a
// staged tree that fill populates and verifies, the commit and the links.
// Whatever fails, the staged tree goes and a previous install stays.
// fill gets a context that a refusal of the provenance check running beside
// it ends at once (when the fill is bound to produce e.SHA256).
func (in *Installer) install(ctx context.Context, e catalog.Entry, fill func(context.Context, *store.Staging) (archiveInfo, error)) (Outcome, error) {
	start := time.Now()
	release, err := in.Layout.Lock(ctx, e.Key, in.LockTimeout, in.onWait(e.Key))
	if err != nil {
		return Outcome{}, err
	}
	defer release()
	if inst, ok, err := in.Layout.Find(e.Key); err != nil {
		return Outcome{}, err
	} else if ok && (!in.Reinstall || waitedFor(inst, start)) {
		return in.already(ctx, inst, start)
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
	// The catalog gives the digest up front: the provenance check runs
	// while the archive is fetched and extracted.
	fillCtx, refused := context.WithCancelCause(ctx)
	defer refused(nil)
	pending := in.startAttestation(ctx, e, e.SHA256, refused)
	defer pending.stop()
	info, err := fill(fillCtx, stage)
	if err != nil {
		return Outcome{}, pending.refusalOr(err)
	}
	verdict, err := in.waitAttestation(ctx, pending, e, info.sha256)
	if err != nil {
		return Outcome{}, err
	}
	fixes, err := in.fixStaged(ctx, e, stage)
	if err != nil {
		return Outcome{}, err
	}
	rec := store.Record{Entry: e, SHA256: info.sha256, SourceURL: info.source, InstalledAt: time.Now().UTC()}
	inst, err := stage.Commit(rec)
	if err != nil {
		return Outcome{}, err
	}
	committed = true
	links, err := in.Layout.Link(ctx, inst, in.Links)
	if err != nil {
		return Outcome{}, fmt.Errorf("installed %s but could not link it: %w", e.Key, err)
	}
	return Outcome{Installation: inst, Size: info.size, Transfer: info.transfer, Links: links, Elapsed: time.Since(start), Attestation: verdict, Fixes: fixes}, nil
}

func (in *Installer) fetchAndExtract(ctx context.Context, e catalog.Entry, format archive.Format, stage *store.Staging) (fetch.Result, error) {
	stream, err := in.Fetcher.Start(ctx, fetch.Target{Name: e.Key, URL: e.URL, SHA256: e.SHA256})
	if err != nil {
		return fetch.Result{}, err
	}
	defer stream.Close()
	return in.extractStream(ctx, e, stream, format, stage)
}

// extractStream feeds the transfer to the extractor while it arrives. When
// the transfer restarts from zero, the half-extracted tree may hold wrong
// bytes, so the stage is emptied and extraction starts over.
func (in *Installer) extractStream(ctx context.Context, e catalog.Entry, stream *fetch.Stream, format archive.Format, stage *store.Staging) (fetch.Result, error) {
	if format == archive.Zip {
		// Zip needs random access: wait for the verified file (a cache hit
		// is hashed, and dropped if damaged, by WaitVerified).
		result, err := stream.WaitVerified()
		if err != nil {
			return fetch.Result{}, err
		}
		if err := archive.ExtractZip(ctx, result.Path, stage.Dir, in.Limits); err != nil {
			return fetch.Result{}, in.extractError(e, result.Path, err)
		}
		return result, nil
	}
	reread := false
	for restarts := 0; ; restarts++ {
		r := stream.NewReader()
		err := in.extractor()(ctx, r, format, stage.Dir, in.Limits)
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
		if err != nil && !result.FromCache && !reread && !fsutil.IsDiskFull(err) {
			// The extractor may have choked on bytes that were wrong in
			// transit (a flipped byte early in the body) before the transfer
			// noticed the digest and fetched them again: the archive is
			// verified now, so give it one clean read before blaming it.
			// Not when the install dir's disk is full: that is no fault of
			// the bytes, and reading them again would only fill it again.
			reread = true
			if err := emptyDir(stage.Dir); err != nil {
				return fetch.Result{}, err
			}
			continue
		}
		if err != nil {
			return fetch.Result{}, in.extractError(e, result.Path, err)
		}
		return result, nil
	}
}

func (in *Installer) extractor() func(context.Context, io.Reader, archive.Format, string, archive.Limits) error {
	if in.extract != nil {
		return in.extract
	}
	return archive.Extract
}

// extractError says what was being installed and where, once. The archive
// is named too unless the install dir's disk failed, which is no fault of
// the archive's.
func (in *Installer) extractError(e catalog.Entry, archivePath string, err error) error {
	if fsutil.IsDiskFull(err) {
		return fmt.Errorf("installing %s into %s: %w", e.Key, in.Layout.InstallDir, err)
	}
	return fmt.Errorf("installing %s into %s: extracting %s: %w", e.Key, in.Layout.InstallDir, archivePath, err)
}

// InstallArchive installs a local archive as entry e. The digest is checked
// when wantSHA256 is known; the bytes are hashed while they are extracted.
func (in *Installer) InstallArchive(ctx context.Context, path string, e catalog.Entry, wantSHA256 string) (Outcome, error) {
	format, err := archive.FormatOf(path)
	if err != nil {
		return Outcome{}, err
	}
	return in.install(ctx, e, func(fillCtx context.Context, stage *store.Staging) (archiveInfo, error) {
		if wantSHA256 == "" || wantSHA256 != e.SHA256 {
			fillCtx = ctx // the check is about other bytes than these may be
		}
		sum, size, err := in.extractLocal(fillCtx, e, path, format, stage.Dir)
		if err != nil {
			return archiveInfo{}, err
		}
		if wantSHA256 != "" && sum != wantSHA256 {
			return archiveInfo{}, fmt.Errorf("%s: %w: want %s, got %s", path, ErrDigestMismatch, wantSHA256, sum)
		}
		return archiveInfo{source: path, sha256: sum, size: size}, nil
	})
}

// extractLocal extracts the archive at path into dest, hashing it.
// Extraction errors come back as extractError's.
func (in *Installer) extractLocal(ctx context.Context, e catalog.Entry, path string, format archive.Format, dest string) (sum string, size int64, err error) {
	if format == archive.Zip {
		sum, fi, err := fsutil.SHA256File(path)
		if err != nil {
			return "", 0, fmt.Errorf("reading %s: %w", path, err)
		}
		if err := archive.ExtractZip(ctx, path, dest, in.Limits); err != nil {
			return "", 0, in.extractError(e, path, err)
		}
		return sum, fi.Size(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	counted := fsutil.NewHashingReader(f)
	if err := in.extractor()(ctx, counted, format, dest, in.Limits); err != nil {
		return "", 0, in.extractError(e, path, err)
	}
	// The extractor may stop before trailing padding: hash the rest too so
	// the digest covers the whole file.
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return counted.Sum(), counted.N(), nil
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
	inst, ok, err := in.Layout.Find(key)
	if err != nil {
		return Outcome{}, err
	}
	if !ok {
		return Outcome{}, fmt.Errorf("%s: %w", key, store.ErrNotInstalled)
	}
	return in.already(ctx, inst, start)
}

// Uninstall removes the build key under its lock (waiting as installs do),
// then repairs or removes its minor link and the executables through it. A
// build that is not (or no longer) installed gives an error wrapping
// store.ErrNotInstalled.
func (in *Installer) Uninstall(ctx context.Context, key string) error {
	release, err := in.Layout.Lock(ctx, key, in.LockTimeout, in.onWait(key))
	if err != nil {
		return err
	}
	defer release()
	return in.Layout.Remove(ctx, key)
}

// already reports an install that was there before; call under its lock.
func (in *Installer) already(ctx context.Context, inst store.Installation, start time.Time) (Outcome, error) {
	links, err := in.Layout.Link(ctx, inst, in.Links)
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
