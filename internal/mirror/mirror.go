// Package mirror owns `pyget mirror`'s folder: a copy of python-build-standalone
// release assets laid out as the releases are (DIR/<release tag>/<asset name>),
// a SHA256SUMS per release folder (sha256sum -c format) and
// DIR/download-metadata.json, uv's catalog format listing exactly the
// mirrored builds with their upstream URLs. Served at any URL, DIR is a valid
// --mirror base, and its download-metadata.json a valid --downloads-json.
//
// It decides which files a folder must hold, fetches them through
// internal/fetch (retry, resume, mirrors, sha256), copies them in under their
// final names only once verified, merges and prunes the catalog, and checks a
// folder against its catalog and sums. It selects nothing: the caller passes
// the entries. It must not import cmd/pyget, store or pipeline.
package mirror

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/fsutil"
)

// The files of a mirror folder besides the archives.
const (
	CatalogFile = "download-metadata.json"
	SumsFile    = "SHA256SUMS"
	lockFile    = ".pyget-mirror.lock"
)

// ErrNotCPython marks a build that is not mirrored: one of an
// implementation whose downloads have no known layout (CPython's
// python-build-standalone, PyPy's and GraalPy's have one).
var ErrNotCPython = errors.New("only CPython, PyPy and GraalPy builds are mirrored")

// The folders a mirror keeps PyPy's and GraalPy's archives in: serve the
// mirror folder at BASE and --pypy-mirror BASE/pypy, --graalpy-mirror
// BASE/graalpy reach them (their URLs after the upstream prefix, as
// python-build-standalone's under BASE itself).
const (
	PyPyFolder    = "pypy"
	GraalPyFolder = "graalpy"
)

// RelPath is where e's archive lives in a mirror folder, slash-separated:
// the part of its URL after its upstream prefix (fetch.UpstreamPath, the
// transfer's one mapping), unescaped, e.g.
// "20260610/cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only.tar.gz";
// PyPy's under PyPyFolder ("pypy/pypy3.11-v7.3.20-linux64.tar.bz2"),
// GraalPy's under GraalPyFolder ("graalpy/graal-25.2.4/<asset>").
func RelPath(e catalog.Entry) (string, error) {
	prefix, folder, depth := fetch.UpstreamPrefix, "", 2
	switch e.Name {
	case "cpython":
	case "pypy":
		prefix, folder, depth = fetch.PyPyUpstreamPrefix, PyPyFolder, 1
	case "graalpy":
		prefix, folder = fetch.GraalPyUpstreamPrefix, GraalPyFolder
	default:
		return "", fmt.Errorf("%s: %w", e.Key, ErrNotCPython)
	}
	upstream, rest, ok := fetch.UpstreamPath(e.URL)
	if ok && upstream == prefix {
		rest, ok = strings.CutPrefix(rest, "/")
	} else {
		ok = false
	}
	if !ok {
		return "", fmt.Errorf("%s: URL %s is not under %s", e.Key, e.URL, prefix)
	}
	u, err := url.Parse(rest)
	if err != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s: URL %s: not a release asset", e.Key, e.URL)
	}
	parts := strings.Split(u.Path, "/")
	if len(parts) != depth {
		return "", fmt.Errorf("%s: URL %s: want %s after %s", e.Key, e.URL, map[int]string{1: "<asset>", 2: "<tag>/<asset>"}[depth], prefix)
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." || strings.ContainsAny(p, `\`+"\x00") || strings.HasPrefix(p, ".") {
			return "", fmt.Errorf("%s: URL %s: unsafe path %q", e.Key, e.URL, u.Path)
		}
	}
	if folder != "" {
		return folder + "/" + u.Path, nil
	}
	return u.Path, nil
}

// Fetcher is what a mirror needs of the transfer layer: an archive whole
// and verified in the download cache (fetch.Fetcher.Fetch), and dropping
// one from it. *fetch.Fetcher is one; tests use fakes.
type Fetcher interface {
	Fetch(ctx context.Context, t fetch.Target) (fetch.Result, error)
	Remove(sha256s []string, dryRun bool) (fetch.CacheReport, error)
}

// Mirror is a mirror folder and the transfer layer that fills it.
type Mirror struct {
	Dir     string
	Fetcher Fetcher // nil for Check
	Jobs    int     // downloads at once; <= 0: 4
	// LockTimeout bounds the wait for another pyget working on Dir; 0 = wait
	// until the context ends.
	LockTimeout time.Duration
	OnWait      func()            // called once if another pyget holds Dir
	OnFile      func(FileOutcome) // each archive's outcome, as it happens; may be nil
	// Bundles, when set, stores each archive's attestation bundle beside
	// it (<asset>.sigstore.json, fetched while the archive is, when not
	// there yet) and Check verifies the bundles present (bundles.go).
	// nil: no bundles (--attestations off).
	Bundles Bundler
}

// State is what a run found or did for one archive.
type State int

const (
	Present    State = iota // already there and verified: nothing fetched
	Downloaded              // fetched (or taken from the download cache) and copied in
	Repaired                // was damaged, fetched again
	Failed                  // could not be mirrored: Err
	Removed                 // pruned
)

func (s State) String() string {
	return [...]string{"present", "downloaded", "repaired", "failed", "removed"}[s]
}

// FileOutcome is one archive's outcome.
type FileOutcome struct {
	Entry    catalog.Entry
	RelPath  string
	State    State
	Err      error
	Transfer *fetch.Result // when fetched
	// BundleWarning: no bundle stored, and the mode allowed it; one line
	// naming the build and why.
	BundleWarning string
	// BundleStored: a bundle was fetched, verified and stored this run.
	BundleStored bool
}

// Report is what Sync did.
type Report struct {
	Files   []FileOutcome // in key order
	Skipped []catalog.Entry
	Entries int // in the written catalog
}

// SyncError: some archives could not be mirrored (Failed of Total); the
// Report says which and why. The caller words it.
type SyncError struct{ Failed, Total int }

func (e *SyncError) Error() string {
	return fmt.Sprintf("builds that could not be mirrored: %d of %d", e.Failed, e.Total)
}

// Failed returns the outcomes that failed.
func (r Report) Failed() []FileOutcome {
	var out []FileOutcome
	for _, f := range r.Files {
		if f.State == Failed {
			out = append(out, f)
		}
	}
	return out
}

// Sync makes Dir hold every entry wanted, plus (unless prune) every build it
// already listed: present files are re-hashed and kept, missing or damaged
// ones fetched, each copied in under its final name only once verified. Then
// it writes each release folder's SHA256SUMS and the catalog, listing exactly
// the builds whose archives are there and verified (and old ones that could
// not be repaired, for the next run). Entries that cannot be
// mirrored (not CPython, no sha256, not a release URL) are left out and
// returned in Report.Skipped. With prune, archives of builds no longer
// wanted are removed. A failed archive does not stop the others: Sync
// returns a *SyncError saying how many failed, and the report says which.
func (m *Mirror) Sync(ctx context.Context, wanted []catalog.Entry, prune bool) (Report, error) {
	var rep Report
	if m.Fetcher == nil {
		return rep, errors.New("mirror: no fetcher")
	}
	if err := os.MkdirAll(m.Dir, 0o755); err != nil {
		return rep, fmt.Errorf("creating the mirror folder: %w", err)
	}
	release, err := m.lock(ctx)
	if err != nil {
		return rep, err
	}
	defer release()

	old, err := m.readCatalog()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, err
	}
	// The builds the folder must hold, by key: the old ones (unless
	// pruning), then the wanted ones over them.
	byKey := map[string]catalog.Entry{}
	if !prune {
		for _, e := range old {
			byKey[e.Key] = e
		}
	}
	for _, e := range wanted {
		if _, err := RelPath(e); err != nil || e.SHA256 == "" {
			rep.Skipped = append(rep.Skipped, e)
			continue
		}
		byKey[e.Key] = e
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	m.sweepTemps()
	rep.Files = make([]FileOutcome, len(keys))
	jobs := m.Jobs
	if jobs <= 0 {
		jobs = 4
	}
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	// Two keys can share one archive (they do not in PBS, but a catalog
	// could): one worker per file, the others take its outcome.
	type shared struct {
		once sync.Once
		out  FileOutcome
	}
	var smu sync.Mutex
	perFile := map[string]*shared{}
	for i, k := range keys {
		e := byKey[k]
		rel, _ := RelPath(e)
		smu.Lock()
		sh, ok := perFile[rel]
		if !ok {
			sh = &shared{}
			perFile[rel] = sh
		}
		smu.Unlock()
		wg.Go(func() {
			sh.once.Do(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				sh.out = m.ensure(ctx, e, rel)
				if m.OnFile != nil {
					m.OnFile(sh.out)
				}
			})
			o := sh.out
			o.Entry = e
			if o.State != Failed && o.Entry.SHA256 != sh.out.Entry.SHA256 {
				o.State, o.Err = Failed, fmt.Errorf("%s: another build claims %s with another sha256", e.Key, rel)
			}
			rep.Files[i] = o
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return rep, err
	}

	// The catalog lists what is there, and keeps listing an old build that
	// could not be repaired, so that the next run tries again and --check
	// names it.
	wasListed := map[string]bool{}
	for _, e := range old {
		wasListed[e.Key] = true
	}
	var good []catalog.Entry
	for _, f := range rep.Files {
		if f.State != Failed || wasListed[f.Entry.Key] {
			good = append(good, f.Entry)
		}
	}
	if prune {
		keep := map[string]bool{}
		for _, f := range rep.Files {
			keep[f.RelPath] = true
		}
		for _, e := range old {
			rel, err := RelPath(e)
			if err != nil || keep[rel] {
				continue
			}
			keep[rel] = true // once
			if err := os.Remove(m.path(rel)); err == nil || errors.Is(err, fs.ErrNotExist) {
				m.removeBundle(rel)
				rep.Files = append(rep.Files, FileOutcome{Entry: e, RelPath: rel, State: Removed})
			}
		}
	}
	if err := m.writeSums(good, old); err != nil {
		return rep, err
	}
	data, err := catalog.EncodeUV(good)
	if err != nil {
		return rep, err
	}
	if len(good) > 0 || len(old) > 0 {
		if err := fsutil.WriteFile(filepath.Join(m.Dir, CatalogFile), data, 0o644); err != nil {
			return rep, err
		}
	}
	rep.Entries = len(good)
	if n := len(rep.Failed()); n > 0 {
		return rep, &SyncError{Failed: n, Total: len(keys)}
	}
	return rep, nil
}

func (m *Mirror) lock(ctx context.Context) (func(), error) {
	return fsutil.Lock(ctx, filepath.Join(m.Dir, lockFile), "the mirror "+m.Dir, m.LockTimeout, m.OnWait)
}

func (m *Mirror) path(rel string) string { return filepath.Join(m.Dir, filepath.FromSlash(rel)) }

// ensure makes rel hold e's archive, verified.
func (m *Mirror) ensure(ctx context.Context, e catalog.Entry, rel string) (out FileOutcome) {
	out = FileOutcome{Entry: e, RelPath: rel}
	dst := m.path(rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		out.State, out.Err = Failed, err
		return out
	}
	// The bundle comes while the archive is hashed or fetched.
	bundle := m.startBundle(ctx, e, dst+BundleSuffix)
	defer func() {
		if out.State == Failed {
			bundle.stop() // the archive's error is the news
			return
		}
		res, err := bundle.wait()
		if err != nil {
			out.State, out.Err = Failed, err
			dropRefused(dst)
			return
		}
		out.BundleWarning = res.Warning
		out.BundleStored = bundle != nil && res.Warning == ""
	}()
	sum, err := hashFile(dst)
	switch {
	case err == nil && sum == e.SHA256:
		out.State = Present
		return out
	case err == nil:
		out.State = Repaired
	case errors.Is(err, fs.ErrNotExist):
		out.State = Downloaded
	default:
		out.State = Repaired
	}
	res, err := m.fetchInto(ctx, e, dst)
	if err != nil {
		out.State, out.Err = Failed, err
		return out
	}
	out.Transfer = &res
	return out
}

// fetchInto fetches e and puts it at dst: linked or copied from the
// download cache into a temp file beside dst, renamed. The archive is
// verified by the transfer (a download) or by WaitVerified (a cache hit);
// a cached archive that no longer matches its digest is dropped by the
// Fetcher, under its download lock, and fetched again, once
// (fetch.RetryCorrupt).
func (m *Mirror) fetchInto(ctx context.Context, e catalog.Entry, dst string) (res fetch.Result, err error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fetch.Result{}, err
	}
	err = fetch.RetryCorrupt(func() error {
		if res, err = m.Fetcher.Fetch(ctx, fetch.Target{Name: e.Key, URL: e.URL, SHA256: e.SHA256}); err != nil {
			return err
		}
		err := place(res.Path, dst, e.SHA256)
		if errors.Is(err, errDigest) && res.FromCache {
			// The copy read other bytes than WaitVerified hashed: drop the
			// archive as the cache does, under its lock, and fetch again.
			m.Fetcher.Remove([]string{e.SHA256}, false)
			return fmt.Errorf("%w: %w", fetch.ErrCorruptCache, err)
		}
		return err
	})
	return res, err
}

var errDigest = errors.New("sha256 mismatch")

// mirrorPerm is the mode of a mirrored archive: readable by the web server.
const mirrorPerm = 0o644

// place puts the verified archive src at dst through a temp file in dst's
// folder: a hard link when both are on one filesystem and src already has
// the mirror's mode (a link shares src's mode, so changing it would change
// the cache's archive too), else a copy, hashed as it is written, so dst
// never holds a wrong archive.
func place(src, dst, want string) (err error) {
	dir := filepath.Dir(dst)
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d", filepath.Base(dst), os.Getpid()))
	os.Remove(tmp)
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	linked := false
	if os.Link(src, tmp) == nil {
		fi, err := os.Stat(tmp)
		linked = err == nil && fi.Mode().Perm() == mirrorPerm
		if !linked {
			os.Remove(tmp)
		}
	}
	if !linked {
		got, err := copyFile(src, tmp)
		if err != nil {
			return fmt.Errorf("copying into the mirror: %w", err)
		}
		if got != want {
			return fmt.Errorf("%s: %w (got %s, want %s)", src, errDigest, got, want)
		}
		if err := os.Chmod(tmp, mirrorPerm); err != nil { // our own copy
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	fsutil.SyncDir(dir)
	return nil
}

// copyFile copies src to the new file dst, fsynced, and returns the sha256
// (hex) of the bytes written.
func copyFile(src, dst string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mirrorPerm)
	if err != nil {
		return "", err
	}
	copied := fsutil.NewHashingReader(in)
	if _, err := io.Copy(out, copied); err != nil {
		out.Close()
		return "", err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return copied.Sum(), nil
}

func hashFile(path string) (string, error) {
	sum, _, err := fsutil.SHA256File(path)
	return sum, err
}

// sweepTemps removes temp files a killed run left in release folders (Sync
// holds the folder's lock, so no live pyget owns them).
func (m *Mirror) sweepTemps() {
	tags, _ := os.ReadDir(m.Dir)
	for _, t := range tags {
		if !t.IsDir() {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(m.Dir, t.Name()))
		for _, f := range files {
			if strings.HasPrefix(f.Name(), ".") && strings.Contains(f.Name(), ".tmp-") {
				os.Remove(filepath.Join(m.Dir, t.Name(), f.Name()))
			}
		}
	}
}

// readCatalog reads Dir's catalog; fs.ErrNotExist when there is none.
func (m *Mirror) readCatalog() ([]catalog.Entry, error) {
	p := filepath.Join(m.Dir, CatalogFile)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	c, _, err := catalog.Parse(p, data)
	if err != nil {
		return nil, fmt.Errorf("the mirror's catalog: %w", err)
	}
	return c.Entries, nil
}

// writeSums writes SHA256SUMS in every release folder that holds a build,
// and removes it from those (of the old catalog) that no longer do.
func (m *Mirror) writeSums(good, old []catalog.Entry) error {
	byTag := map[string][]string{}
	for _, e := range good {
		rel, _ := RelPath(e)
		tag, name, _ := strings.Cut(rel, "/")
		byTag[tag] = append(byTag[tag], e.SHA256+"  "+name+"\n")
	}
	for tag, lines := range byTag {
		slices.Sort(lines)
		lines = slices.Compact(lines)
		if err := fsutil.WriteFile(filepath.Join(m.Dir, tag, SumsFile), []byte(strings.Join(lines, "")), 0o644); err != nil {
			return err
		}
	}
	for _, e := range old {
		rel, err := RelPath(e)
		if err != nil {
			continue
		}
		tag, _, _ := strings.Cut(rel, "/")
		if _, ok := byTag[tag]; !ok {
			os.Remove(filepath.Join(m.Dir, tag, SumsFile))
			os.Remove(filepath.Join(m.Dir, tag)) // only if empty
		}
	}
	return nil
}

// Problem is one thing wrong in a mirror folder.
type Problem struct {
	RelPath string
	Key     string
	Reason  string // "missing", "damaged (sha256 …)", "not in SHA256SUMS", …
}

func (p Problem) String() string { return p.RelPath + ": " + p.Reason }

// Check re-hashes every archive the mirror's catalog lists, against the
// catalog and the release folder's SHA256SUMS, and returns each missing or
// damaged file, in key order. It changes nothing. checked is how many
// archives the catalog lists.
func (m *Mirror) Check(ctx context.Context) (problems []Problem, checked int, err error) {
	entries, err := m.readCatalog()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("%s has no %s: not a pyget mirror (yet)", m.Dir, CatalogFile)
	}
	if err != nil {
		return nil, 0, err
	}
	sums := map[string]map[string]string{} // tag -> name -> sha
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return problems, checked, err
		}
		checked++
		rel, rerr := RelPath(e)
		if rerr != nil {
			problems = append(problems, Problem{RelPath: e.Key, Key: e.Key, Reason: rerr.Error()})
			continue
		}
		tag, name, _ := strings.Cut(rel, "/")
		if _, ok := sums[tag]; !ok {
			sums[tag], err = readSums(filepath.Join(m.Dir, tag, SumsFile))
			if err != nil {
				problems = append(problems, Problem{RelPath: tag + "/" + SumsFile, Reason: err.Error()})
			}
		}
		switch s, ok := sums[tag][name]; {
		case sums[tag] == nil:
		case !ok:
			problems = append(problems, Problem{rel, e.Key, "not in " + tag + "/" + SumsFile})
		case s != e.SHA256:
			problems = append(problems, Problem{rel, e.Key, fmt.Sprintf("%s says sha256 %s, the catalog %s", SumsFile, s, e.SHA256)})
		}
		got, herr := hashFile(m.path(rel))
		switch {
		case errors.Is(herr, fs.ErrNotExist):
			problems = append(problems, Problem{rel, e.Key, "missing"})
		case herr != nil:
			problems = append(problems, Problem{rel, e.Key, "unreadable: " + herr.Error()})
		case got != e.SHA256:
			problems = append(problems, Problem{rel, e.Key, fmt.Sprintf("damaged: sha256 %s, want %s", got, e.SHA256)})
		}
		if reason := m.checkBundle(ctx, e, rel); reason != "" {
			problems = append(problems, Problem{rel + BundleSuffix, e.Key, reason})
		}
	}
	return problems, checked, nil
}

// readSums reads a SHA256SUMS file: "<hex>  <name>" (or "<hex> *<name>").
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("missing")
		}
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		if !ok || len(sum) != 64 || len(name) < 2 {
			return out, fmt.Errorf("line %d is not \"<sha256>  <name>\"", n)
		}
		out[name[1:]] = strings.ToLower(sum)
	}
	return out, sc.Err()
}
