package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

// CatalogLoader gives the downloads catalog. *catalog.Loader has Load and
// Refresh; the CLI wraps one to say under -v which catalog it used.
type CatalogLoader interface {
	// Load is the catalog as the loader finds it: a fresh cached copy, the
	// remote one, or a fallback.
	Load(ctx context.Context) (*catalog.Catalog, error)
	// Refresh revalidates a cached remote catalog.
	Refresh(ctx context.Context) (*catalog.Catalog, error)
	// Cached is the catalog as far as it loads without the network,
	// silently (names for messages).
	Cached(ctx context.Context) (*catalog.Catalog, error)
}

// RequestSource gives the requests in force when none is given on the
// command line, and where they come from. PinFiles, RequiresPython and
// GlobalPin are sources (sources.go), and FirstSource chains them; a config
// file's default may be another.
type RequestSource interface {
	// DefaultRequests returns the requests in force and the file they come
	// from; from is "" when there are none. A file that names no version
	// gives no requests and its path.
	DefaultRequests() (reqs []string, from string, err error)
}

// PinFiles are the .python-version pins: the nearest in Dir or its
// parents, else Global (the user's pin; "" = none).
type PinFiles struct{ Dir, Global string }

// DefaultRequests is the pin in force (pyrequest.FindPinOrGlobal).
func (p PinFiles) DefaultRequests() ([]string, string, error) {
	return pyrequest.FindPinOrGlobal(p.Dir, p.Global)
}

// Resolver answers which build a request means, installed or to download:
// it owns the run's catalog (loaded once, revalidated once when a request
// matches nothing in it), the installed builds, the target platform, the
// release a run is restricted to and where requests come from when none
// is given. It changes nothing; an Installer carries out its answers.
type Resolver struct {
	Catalog CatalogLoader
	// Offline: the catalog is never revalidated.
	Offline bool
	// Release restricts CPython downloads to one python-build-standalone
	// release tag (PYGET_CPYTHON_BUILD); "" = any.
	Release string
	// PyPyRelease and GraalPyRelease restrict PyPy's and GraalPy's
	// downloads to one release each (PYGET_PYPY_BUILD,
	// PYGET_GRAALPY_BUILD); "" = any.
	PyPyRelease, GraalPyRelease string
	// Platform is the platform builds are chosen for.
	Platform platform.Platform
	// Installed are the complete installs; nil = none considered.
	Installed []store.Installation
	// Defaults gives the requests in force when none is given; nil = none.
	Defaults RequestSource

	once   sync.Once
	cat    *catalog.Catalog
	catErr error
}

// Requests are the requests a command works on and where they came from.
type Requests struct {
	Args []string // the requests, as written
	From string   // the file they were read from; "" = the command line or the fallback
	// Default: none was given and none is in force: Args is the fallback
	// (or empty).
	Default bool
}

// Requests returns the requests given, else those in force (Defaults),
// else fallback (none when ""). A file in force that names no version is
// an error.
func (r *Resolver) Requests(args []string, fallback string) (Requests, error) {
	if len(args) > 0 {
		return Requests{Args: args}, nil
	}
	if r.Defaults != nil {
		reqs, from, err := r.Defaults.DefaultRequests()
		if err != nil {
			return Requests{}, err
		}
		if len(reqs) > 0 {
			return Requests{Args: reqs, From: from}, nil
		}
		if from != "" {
			return Requests{}, fmt.Errorf("%s names no python version", from)
		}
	}
	if fallback == "" {
		return Requests{Default: true}, nil
	}
	return Requests{Args: []string{fallback}, Default: true}, nil
}

// Parse parses the requests; one read from a file is an error naming it.
func (q Requests) Parse() ([]pyrequest.Request, error) {
	return ParseRequests(q.Args, q.From)
}

// ParseRequests parses requests, given on the command line or read from the
// file from ("" for the command line, whose errors need no place).
func ParseRequests(args []string, from string) ([]pyrequest.Request, error) {
	reqs := make([]pyrequest.Request, len(args))
	for i, s := range args {
		r, err := pyrequest.Parse(s)
		if err != nil {
			if from != "" {
				return nil, fmt.Errorf("%s: %w", from, err)
			}
			return nil, err
		}
		reqs[i] = r
	}
	return reqs, nil
}

// Loaded is the run's catalog, loaded once.
func (r *Resolver) Loaded(ctx context.Context) (*catalog.Catalog, error) {
	r.once.Do(func() { r.cat, r.catErr = r.Catalog.Load(ctx) })
	return r.cat, r.catErr
}

// Revalidated is the run's catalog revalidated first unless offline: an
// upgrade is where a new patch must not go unseen for a day. It is the
// run's catalog from then on (when it is the run's first load).
func (r *Resolver) Revalidated(ctx context.Context) (*catalog.Catalog, error) {
	if !r.Offline {
		r.once.Do(func() { r.cat, r.catErr = r.Catalog.Refresh(ctx) })
	}
	return r.Loaded(ctx)
}

// refreshed revalidates a cached remote catalog, when a request matches
// nothing in it; offline, the run's catalog.
func (r *Resolver) refreshed(ctx context.Context) (*catalog.Catalog, error) {
	if r.Offline {
		return r.Loaded(ctx)
	}
	return r.Catalog.Refresh(ctx)
}

// buildable is what a run may download of entries: with Release, only
// that release's CPython builds; with PyPyRelease or GraalPyRelease, only
// that release's PyPy or GraalPy builds.
func (r *Resolver) buildable(entries []catalog.Entry) []catalog.Entry {
	entries = catalog.OnlyCPythonRelease(entries, r.Release)
	entries = catalog.OnlyRelease(entries, "pypy", r.PyPyRelease)
	return catalog.OnlyRelease(entries, "graalpy", r.GraalPyRelease)
}

// selectDownloads is what sel picks of the catalog's downloadable builds,
// and the catalog it picked from. When sel picks nothing, the cached
// catalog may predate the build: it is revalidated once and sel picks
// again.
func (r *Resolver) selectDownloads(ctx context.Context, sel func([]catalog.Entry) []catalog.Entry) (*catalog.Catalog, []catalog.Entry, error) {
	c, err := r.Loaded(ctx)
	if err != nil {
		return nil, nil, err
	}
	picked := sel(r.buildable(c.Entries))
	if len(picked) == 0 {
		if fresh, err := r.refreshed(ctx); err == nil {
			c = fresh
			picked = sel(r.buildable(fresh.Entries))
		}
	}
	return c, picked, nil
}

// NoDownloadError: no build of the catalog matches a request on the
// platform. It carries what a hint needs to say where one could be had.
type NoDownloadError struct {
	Request string // as parsed, pyrequest.Request.String
	Target  string // the platform searched (pyrequest.Request.Target)
	// Release is the release the run is restricted to; "" = any. With it,
	// ReleaseKnown says whether the catalog has that release at all and
	// OtherReleases lists the releases that have the request.
	Release       string
	ReleaseKnown  bool
	OtherReleases []string
	// Catalog is the catalog searched, and Offline whether this run could
	// not revalidate it: only a newer catalog could have the build when it
	// stood in for the remote one.
	Catalog *catalog.Catalog
	Offline bool
}

func (e *NoDownloadError) Error() string {
	if e.Release != "" {
		return fmt.Sprintf("no download for %q on %s in python-build-standalone release %s (PYGET_CPYTHON_BUILD)", e.Request, e.Target, e.Release)
	}
	return fmt.Sprintf("no download for %q on %s in the catalog", e.Request, e.Target)
}

// Download is the catalog's best build for req on the Platform (the newest
// that matches), revalidating a cached remote catalog once when nothing
// matches; a *NoDownloadError when none does.
func (r *Resolver) Download(ctx context.Context, req pyrequest.Request) (catalog.Entry, error) {
	p := r.Platform
	c, matches, err := r.selectDownloads(ctx, func(entries []catalog.Entry) []catalog.Entry { return req.Select(entries, &p) })
	if err != nil {
		return catalog.Entry{}, err
	}
	if len(matches) > 0 {
		return matches[0], nil
	}
	ne := &NoDownloadError{Request: req.String(), Target: req.Target(p), Release: r.Release, Catalog: c, Offline: r.Offline}
	if r.Release != "" {
		ne.ReleaseKnown = slices.Contains(catalog.Releases(c.Entries), r.Release)
		ne.OtherReleases = catalog.Releases(req.Select(c.Entries, &p))
	}
	return catalog.Entry{}, ne
}

// Choice is what a request resolved to: a build installed already, or one
// of the catalog's to download.
type Choice struct {
	Entry catalog.Entry
	// Installed is set when an installed build satisfies the request.
	Installed *store.Installation
}

// Choose resolves req: the best installed build that matches on the
// Platform (widened to what it runs, platform.ForInstalled), unless fresh,
// else the catalog's best download (Download).
func (r *Resolver) Choose(ctx context.Context, req pyrequest.Request, fresh bool) (Choice, error) {
	if !fresh {
		if inst, ok := r.BestInstalled(req); ok {
			return Choice{Entry: inst.Entry, Installed: &inst}, nil
		}
	}
	e, err := r.Download(ctx, req)
	return Choice{Entry: e}, err
}

// BestInstalled is the best installed build matching req on the Platform
// (widened with ForInstalled).
func (r *Resolver) BestInstalled(req pyrequest.Request) (store.Installation, bool) {
	wide := r.Platform.ForInstalled()
	if best := BestInstalled(r.Installed, req, &wide); len(best) > 0 {
		return best[0], true
	}
	return store.Installation{}, false
}

// Exact is the exact version req resolves to (pin --resolved), as install
// would choose: the best installed build, else the catalog's.
func (r *Resolver) Exact(ctx context.Context, req pyrequest.Request) (string, error) {
	c, err := r.Choose(ctx, req, false)
	if err != nil {
		return "", err
	}
	return pyrequest.Exact(c.Entry)
}

// FirstInstalled is the best installed build of the first request that has
// one: a .python-version may list several versions, and the first
// installed wins.
func (r *Resolver) FirstInstalled(reqs []pyrequest.Request) (store.Installation, bool) {
	for _, req := range reqs {
		if inst, ok := r.BestInstalled(req); ok {
			return inst, true
		}
	}
	return store.Installation{}, false
}

// NoInstallError: a request matches no installed build.
type NoInstallError struct{ Request string }

func (e *NoInstallError) Error() string { return "no installed build matches " + e.Request }

// Matching lists the installed builds the requests match, each once, in
// request order: every match, of every platform unless the request names
// one, pre-releases too (a user removing 3.13 means all of them). A
// request matching none gives a *NoInstallError.
func (r *Resolver) Matching(reqs []pyrequest.Request) ([]store.Installation, error) {
	var out []store.Installation
	seen := map[string]bool{}
	for _, req := range reqs {
		matched := false
		for _, inst := range r.Installed {
			if !req.Matches(inst.Entry, nil) {
				continue
			}
			matched = true
			if !seen[inst.Entry.Key] {
				seen[inst.Entry.Key] = true
				out = append(out, inst)
			}
		}
		if !matched {
			return nil, &NoInstallError{Request: req.String()}
		}
	}
	return out, nil
}

// Listing is how far a listing of downloads reaches.
type Listing struct {
	Scope pyrequest.Scope
	// AllVersions: every patch, not only the newest of each minor version.
	AllVersions bool
}

// Downloads are the catalog's builds that `pyget list` shows for req (nil:
// every one) on plat, as far as l reaches: by default the newest patch of
// each minor version. A request matching nothing revalidates a cached
// remote catalog once.
func (r *Resolver) Downloads(ctx context.Context, req *pyrequest.Request, plat platform.Platform, l Listing) ([]catalog.Entry, error) {
	keep := pyrequest.Filter(req, plat, l.Scope)
	var downloads []catalog.Entry
	if req != nil {
		sel := func(entries []catalog.Entry) []catalog.Entry { return pyrequest.FilterEntries(entries, keep) }
		_, picked, err := r.selectDownloads(ctx, sel)
		if err != nil {
			return nil, err
		}
		downloads = picked
	} else {
		c, err := r.Loaded(ctx)
		if err != nil {
			return nil, err
		}
		downloads = pyrequest.FilterEntries(r.buildable(c.Entries), keep)
	}
	if !l.AllVersions {
		downloads = pyrequest.NewestPerMinor(downloads)
	}
	return downloads, nil
}

// NoMirrorBuildError: a request of `pyget mirror` matches no download on
// any of the platforms selected.
type NoMirrorBuildError struct{ Request string }

func (e *NoMirrorBuildError) Error() string {
	return fmt.Sprintf("no download for %q in the catalog on the platforms selected", e.Request)
}

// MirrorSelection is what `pyget mirror` copies: the union, each build
// once, of what Downloads gives for each request (none: every build) on
// each platform; its builds from the hosts mirrors replace
// (python-build-standalone's, PyPy's and GraalPy's: fetch.UpstreamPath),
// and the keys of the others, which are not mirrored. A request that
// selects nothing anywhere is a *NoMirrorBuildError.
func (r *Resolver) MirrorSelection(ctx context.Context, reqs []pyrequest.Request, plats []platform.Platform, l Listing) (builds []catalog.Entry, others []string, err error) {
	var ptrs []*pyrequest.Request
	for i := range reqs {
		ptrs = append(ptrs, &reqs[i])
	}
	if len(ptrs) == 0 {
		ptrs = []*pyrequest.Request{nil}
	}
	seen := map[string]bool{}
	for _, req := range ptrs {
		found := false
		for _, p := range plats {
			entries, err := r.Downloads(ctx, req, p, l)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range entries {
				found = true
				if seen[e.Key] {
					continue
				}
				seen[e.Key] = true
				if _, _, ok := fetch.UpstreamPath(e.URL); ok {
					builds = append(builds, e)
				} else {
					others = append(others, e.Key)
				}
			}
		}
		if !found && req != nil {
			return nil, nil, &NoMirrorBuildError{Request: req.String()}
		}
	}
	return builds, others, nil
}

// ArchiveMatch is what a local archive is: the catalog entry whose URL ends
// in its file name (then its digest is checked), else one derived from the
// python-build-standalone file name (unverified).
type ArchiveMatch struct {
	Entry catalog.Entry
	// SHA256 is the digest the archive must have; "" = not in the catalog,
	// installed unverified.
	SHA256 string
	// CatalogErr is why the catalog could not be consulted; nil when it was.
	CatalogErr error
}

// Archive names the local archive at path.
func (r *Resolver) Archive(ctx context.Context, path string) (ArchiveMatch, error) {
	base := catalog.AssetName(path)
	c, err := r.Loaded(ctx)
	if err == nil {
		if e, ok := c.EntryForAsset(base); ok {
			return ArchiveMatch{Entry: e, SHA256: e.SHA256}, nil
		}
	}
	e, perr := catalog.EntryFromAssetName(base)
	if perr != nil {
		return ArchiveMatch{CatalogErr: err}, perr
	}
	return ArchiveMatch{Entry: e, CatalogErr: err}, nil
}

// Job is one thing `pyget install` installs: a request, or a local
// archive.
type Job struct {
	Arg     string // as given, or read from From
	Request pyrequest.Request
	Archive string // a local archive's absolute path, instead of a request
	From    string // the file the request was read from; "" = given
	// Newest: no request was given and none is in force: the newest
	// stable, even if an older one is installed.
	Newest bool
}

// InstallJobs turns install's arguments (none: the requests in force, else
// the newest stable) into jobs. An argument naming a missing archive is an
// error wrapping ErrNoArchive.
func (r *Resolver) InstallJobs(args []string) ([]Job, error) {
	q, err := r.Requests(args, "default")
	if err != nil {
		return nil, err
	}
	var jobs []Job
	for _, arg := range q.Args {
		path, err := ArchivePath(arg, len(args) > 0)
		if err != nil {
			return nil, err
		}
		if path != "" {
			jobs = append(jobs, Job{Arg: arg, Archive: path})
			continue
		}
		reqs, err := ParseRequests([]string{arg}, q.From)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, Job{Arg: arg, Request: reqs[0], From: q.From, Newest: q.Default})
	}
	return jobs, nil
}

// Digests are the sha256s (lower case, each once, in the order found) of
// the builds the requests match, of every platform unless a request names
// one: in the catalog, and installed (an install's own record knows a
// digest the catalog may lack). names maps each digest to its build's key.
// The first request matching no build at all gives a *NoBuildError.
func (r *Resolver) Digests(ctx context.Context, reqs []pyrequest.Request) (shas []string, names map[string]string, err error) {
	c, err := r.Loaded(ctx)
	if err != nil {
		return nil, nil, err
	}
	return Digests(c.Entries, r.Installed, reqs)
}

// ArchiveNames maps digests to build keys, for messages: the installed
// builds', and the catalog's as far as it loads without the network.
func (r *Resolver) ArchiveNames(ctx context.Context) map[string]string {
	var entries []catalog.Entry
	if c, err := r.Catalog.Cached(ctx); err == nil {
		entries = c.Entries
	}
	names := map[string]string{}
	for _, e := range entries {
		addName(names, e.SHA256, e.Key)
	}
	for _, inst := range r.Installed {
		addName(names, inst.SHA256, inst.Entry.Key)
	}
	return names
}

// addName maps sha (lower-cased) to key in names; it reports whether sha
// was new. An empty sha is skipped.
func addName(names map[string]string, sha, key string) bool {
	sha = strings.ToLower(sha)
	if sha == "" {
		return false
	}
	_, had := names[sha]
	names[sha] = key
	return !had
}

// KeepArchives reports, for `pyget cache prune`, whether the cached
// archive with digest sha belongs to an installed build.
func (r *Resolver) KeepArchives() func(sha string) bool {
	keep := map[string]bool{}
	for _, inst := range r.Installed {
		if inst.SHA256 != "" {
			keep[strings.ToLower(inst.SHA256)] = true
		}
	}
	return func(sha string) bool { return keep[sha] }
}

// UpgradeRun is what an upgrade does: the plans of the installed groups it
// upgrades (or repairs the links of), and the minor versions a request
// named that are not installed, to install.
type UpgradeRun struct {
	Plans []Upgrade
	Fresh []FreshUpgrade
}

// Len is how many builds the run handles.
func (u UpgradeRun) Len() int { return len(u.Plans) + len(u.Fresh) }

// RequestError is a request that could not be resolved: Op is what was to
// be done with it ("upgrade").
type RequestError struct {
	Op, Request string
	Err         error
}

func (e *RequestError) Error() string { return fmt.Sprintf("%s %q: %v", e.Op, e.Request, e.Err) }
func (e *RequestError) Unwrap() error { return e.Err }

// PlanUpgrade plans an upgrade of q's requests (none: every installed
// minor version; the caller says when nothing is installed) from the
// catalog revalidated first (unless offline), restricted to Release. A
// request that matches no installed build is resolved with Download (its
// failure a *RequestError); one naming a patch or a pre-release is a
// *PatchRequestError unless it came from a file (see chooseUpgrades).
func (r *Resolver) PlanUpgrade(ctx context.Context, q Requests) (UpgradeRun, error) {
	reqs, err := q.Parse()
	if err != nil {
		return UpgradeRun{}, err
	}
	c, err := r.Revalidated(ctx)
	if err != nil {
		return UpgradeRun{}, err
	}
	entries := r.buildable(c.Entries)
	plans, fresh, err := r.chooseUpgrades(ctx, PlanUpgrades(r.Installed, entries), entries, reqs, q.From != "")
	return UpgradeRun{Plans: plans, Fresh: fresh}, err
}

// Listed is one build `pyget list` shows: installed (Installed set), or a
// download.
type Listed struct {
	Entry     catalog.Entry
	Installed *store.Installation
}

// Shown says which builds a listing shows.
type Shown int

const (
	InstalledAndDownloads Shown = iota
	OnlyInstalled               // no catalog needed
	OnlyDownloads
)

// List is what `pyget list` shows for req (nil: every build) on plat, as
// far as l reaches, newest first: the installed builds that fit (on the
// platforms an installed build runs on, platform.ForInstalled), and the
// downloads (Downloads) not installed. An installed build of the newest
// patch stands for its minor version: the downloads are chosen before the
// installed ones drop out.
func (r *Resolver) List(ctx context.Context, req *pyrequest.Request, plat platform.Platform, l Listing, shown Shown) ([]Listed, error) {
	var out []Listed
	installedKeys := map[string]bool{}
	if shown != OnlyDownloads {
		keep := pyrequest.Filter(req, plat.ForInstalled(), l.Scope)
		for i := range r.Installed {
			inst := &r.Installed[i]
			if keep(inst.Entry) {
				installedKeys[inst.Entry.Key] = true
				out = append(out, Listed{Entry: inst.Entry, Installed: inst})
			}
		}
	}
	if shown != OnlyInstalled {
		downloads, err := r.Downloads(ctx, req, plat, l)
		if err != nil {
			return nil, err
		}
		for _, e := range downloads {
			if !installedKeys[e.Key] {
				out = append(out, Listed{Entry: e})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Listed) int {
		if c := catalog.Compare(y.Entry, x.Entry); c != 0 {
			return c
		}
		return strings.Compare(x.Entry.Key, y.Entry.Key)
	})
	return out, nil
}
