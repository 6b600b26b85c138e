package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/store"
)

// Claims makes a build that several jobs of one run resolve to install
// once: the first job to claim its key does it, the others report nothing.
// The zero value is ready; it is safe for concurrent use.
type Claims struct {
	mu   sync.Mutex
	seen map[string]bool
}

// Claim is true the first time it sees key.
func (c *Claims) Claim(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[key] {
		return false
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[key] = true
	return true
}

// JobError is a job's failure, with what was being done: Op ("install",
// "link") and What (a build's key, or a request quoted as given).
type JobError struct {
	Op, What string
	Err      error
}

func (e *JobError) Error() string { return e.Op + " " + e.What + ": " + e.Err.Error() }
func (e *JobError) Unwrap() error { return e.Err }

// Note is a line for the user about a job that goes on: a warning, or
// (Detail) something for -v.
type Note struct {
	Detail bool
	Text   string
}

// InstallJob installs what j resolves to with res, unless another job of
// the run claimed that build (then the Outcome is empty): a local archive
// as the catalog names it; a request satisfied by an installed build
// (unless Reinstall or j.Newest) is relinked, and one uninstalled
// meanwhile by another pyget installed afresh; otherwise the catalog's
// build. Failures are *JobErrors.
func (in *Installer) InstallJob(ctx context.Context, res *Resolver, j Job, claims *Claims) (Outcome, error) {
	if j.Archive != "" {
		return in.installArchiveJob(ctx, res, j, claims)
	}
	c, err := res.Choose(ctx, j.Request, in.Reinstall || j.Newest)
	if err != nil {
		return Outcome{}, &JobError{Op: "install", What: fmt.Sprintf("%q", j.Arg), Err: err}
	}
	if c.Installed == nil {
		return in.InstallResolved(ctx, c.Entry, claims)
	}
	if !claims.Claim(c.Entry.Key) {
		return Outcome{}, nil
	}
	o, err := in.Relink(ctx, c.Entry.Key)
	if errors.Is(err, store.ErrNotInstalled) {
		// Uninstalled meanwhile by another pyget: install it afresh. This
		// job holds the claim on the build it found installed, so the
		// catalog's build is installed here when it is that one.
		e, err := res.Download(ctx, j.Request)
		if err != nil {
			return Outcome{}, &JobError{Op: "install", What: fmt.Sprintf("%q", j.Arg), Err: err}
		}
		if e.Key != c.Entry.Key && !claims.Claim(e.Key) {
			return Outcome{}, nil
		}
		return in.installClaimed(ctx, e)
	}
	if err != nil {
		return o, &JobError{Op: "link", What: c.Entry.Key, Err: err}
	}
	return o, nil
}

func (in *Installer) installArchiveJob(ctx context.Context, res *Resolver, j Job, claims *Claims) (Outcome, error) {
	m, err := res.Archive(ctx, j.Archive)
	if m.CatalogErr != nil {
		in.note(Note{Detail: true, Text: "warning: " + m.CatalogErr.Error()})
	}
	if err != nil {
		return Outcome{}, &JobError{Op: "install", What: j.Archive, Err: err}
	}
	if m.SHA256 == "" {
		in.note(Note{Text: fmt.Sprintf("%s is not in the catalog: installing it as %s without verifying its sha256", catalog.AssetName(j.Archive), m.Entry.Key)})
	}
	if !claims.Claim(m.Entry.Key) {
		return Outcome{}, nil
	}
	o, err := in.InstallArchive(ctx, j.Archive, m.Entry, m.SHA256)
	if err != nil {
		return o, &JobError{Op: "install", What: m.Entry.Key, Err: err}
	}
	return o, nil
}

// InstallResolved installs the catalog entry a request resolved to, unless
// another job of this run claimed it. Its failure is a *JobError.
func (in *Installer) InstallResolved(ctx context.Context, e catalog.Entry, claims *Claims) (Outcome, error) {
	if !claims.Claim(e.Key) {
		return Outcome{}, nil
	}
	return in.installClaimed(ctx, e)
}

// installClaimed is InstallResolved once e is claimed.
func (in *Installer) installClaimed(ctx context.Context, e catalog.Entry) (Outcome, error) {
	if e.SHA256 == "" {
		in.note(Note{Text: fmt.Sprintf("the catalog has no sha256 for %s: it will not be verified", e.Key)})
	}
	o, err := in.InstallEntry(ctx, e)
	if err != nil {
		return o, &JobError{Op: "install", What: e.Key, Err: err}
	}
	return o, nil
}

// UpgradeJob carries out the i-th build of u (its plans, then its fresh
// installs), unless another job claimed it. A plan that is not Needed has
// its links repaired (a killed upgrade may have left them on the previous
// patch) and gives an empty Outcome: it was reported when planned.
// Failures are *JobErrors.
func (in *Installer) UpgradeJob(ctx context.Context, u UpgradeRun, i int, claims *Claims) (Outcome, error) {
	if i >= len(u.Plans) {
		return in.InstallResolved(ctx, u.Fresh[i-len(u.Plans)].Entry, claims)
	}
	p := u.Plans[i]
	if !p.Needed() {
		if _, err := in.Upgrade(ctx, p); err != nil && !errors.Is(err, store.ErrNotInstalled) {
			return Outcome{}, &JobError{Op: "link", What: p.Current.Entry.Key, Err: err}
		}
		return Outcome{}, nil
	}
	if !claims.Claim(p.Target.Key) {
		return Outcome{}, nil
	}
	o, err := in.Upgrade(ctx, p)
	if err != nil {
		return o, &JobError{Op: "install", What: p.Target.Key, Err: err}
	}
	return o, nil
}

func (in *Installer) note(n Note) {
	if in.OnNote != nil {
		in.OnNote(n)
	}
}
