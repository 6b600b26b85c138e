package pipeline

import (
	"context"
	"slices"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

// Upgrade is the plan for one group of installed builds: those sharing a
// minor-version link (the same implementation, minor version, variant and
// platform).
type Upgrade struct {
	// Group is the minor-version group's key (catalog.Entry.MinorKey, the
	// name of its minor link), e.g.
	// cpython-3.14-linux-x86_64-gnu.
	Group string
	// Current is the group's newest installed build: the one its minor link
	// and the commands through it lead to.
	Current store.Installation
	// Target is the build to install: the catalog's newest of the group
	// (the newest final release, unless the catalog has only pre-releases
	// of it) when it is newer than Current (a newer version, or a newer
	// python-build-standalone release of the same version: fixes ship as
	// rebuilds, and uv upgrades to them too), else Current's own entry.
	Target catalog.Entry
}

// Needed reports whether Target is a newer patch, or a rebuild, to
// install.
func (u Upgrade) Needed() bool {
	return u.Target.Key != u.Current.Entry.Key || u.Rebuild()
}

// Rebuild reports whether Target is a newer build of Current's own
// version: same key, another release. It replaces Current in place.
func (u Upgrade) Rebuild() bool {
	return u.Target.Key == u.Current.Entry.Key && u.Target.Build != u.Current.Entry.Build
}

// PlanUpgrades plans an upgrade for every group of installed builds, in the
// order the groups first appear in installed, from the catalog's entries.
func PlanUpgrades(installed []store.Installation, entries []catalog.Entry) []Upgrade {
	var plans []Upgrade
	index := map[string]int{} // group -> plans index
	for _, inst := range installed {
		g := inst.Entry.MinorKey()
		i, ok := index[g]
		switch {
		case !ok:
			index[g] = len(plans)
			plans = append(plans, Upgrade{Group: g, Current: inst})
		case store.Newer(inst.Entry, plans[i].Current.Entry):
			plans[i].Current = inst
		}
	}
	// The newest final release and the newest build of any kind, per group.
	final := make([]*catalog.Entry, len(plans))
	anyKind := make([]*catalog.Entry, len(plans))
	for k := range entries {
		e := &entries[k]
		i, ok := index[e.MinorKey()]
		if !ok {
			continue
		}
		if anyKind[i] == nil || store.Newer(*e, *anyKind[i]) {
			anyKind[i] = e
		}
		if e.Prerelease == "" && (final[i] == nil || store.Newer(*e, *final[i])) {
			final[i] = e
		}
	}
	for i := range plans {
		p := &plans[i]
		p.Target = p.Current.Entry
		best := final[i]
		if best == nil {
			best = anyKind[i]
		}
		if best != nil && catalog.Compare(*best, p.Current.Entry) > 0 {
			p.Target = *best
		}
	}
	return plans
}

// NewestPatch is the build an upgrade of e's group installs: the catalog's
// newest patch of e's minor version, variant and platform in entries (as
// PlanUpgrades chooses a Target), or e itself when none is newer.
func NewestPatch(e catalog.Entry, entries []catalog.Entry) catalog.Entry {
	return PlanUpgrades([]store.Installation{{Record: store.Record{Entry: e}}}, entries)[0].Target
}

// FreshUpgrade is a request naming a minor version none of whose builds is
// installed: upgrading it installs Entry, its newest patch, as uv does.
type FreshUpgrade struct {
	Request pyrequest.Request
	Entry   catalog.Entry
}

// PatchRequestError: an upgrade request names a patch or a pre-release
// rather than a minor version.
type PatchRequestError struct{ Request string }

func (e *PatchRequestError) Error() string {
	return "upgrade takes minor versions (3.14, 3.14t, pypy@3.11), not a patch or a pre-release: " + e.Request
}

// chooseUpgrades keeps the plans (PlanUpgrades of the installed builds and
// entries) of the groups an installed build of which a request matches on
// the Platform (widened with ForInstalled), every plan without requests. A
// request that matches no installed build is resolved with Download (its
// failure a *RequestError) and becomes a FreshUpgrade. A request naming a
// patch or a pre-release gives a *PatchRequestError, unless fromPin: a
// pin's exact patch (pin --resolved) selects its minor version, and a
// fresh one installs that minor version's newest patch in entries.
func (r *Resolver) chooseUpgrades(ctx context.Context, plans []Upgrade, entries []catalog.Entry, reqs []pyrequest.Request, fromPin bool) ([]Upgrade, []FreshUpgrade, error) {
	if len(reqs) == 0 {
		return plans, nil, nil
	}
	wide := r.Platform.ForInstalled()
	named := map[string]bool{} // groups
	var fresh []FreshUpgrade
	for _, req := range reqs {
		var matched []catalog.Entry
		for _, inst := range r.Installed {
			if req.Matches(inst.Entry, &wide) {
				matched = append(matched, inst.Entry)
			}
		}
		if len(matched) == 0 {
			e, err := r.Download(ctx, req)
			if err != nil {
				return nil, nil, &RequestError{Op: "upgrade", Request: req.String(), Err: err}
			}
			if fromPin {
				e = NewestPatch(e, entries)
			}
			matched = []catalog.Entry{e}
			fresh = append(fresh, FreshUpgrade{Request: req, Entry: e})
		}
		for _, e := range matched {
			if !fromPin && NamesPatch(req, e, &wide) {
				return nil, nil, &PatchRequestError{Request: req.String()}
			}
			named[e.MinorKey()] = true
		}
	}
	var out []Upgrade
	for _, p := range plans {
		if named[p.Group] {
			out = append(out, p)
		}
	}
	return out, fresh, nil
}

// NamesPatch reports whether r, which matches e, names a patch or a
// pre-release rather than a minor version: it does not match a final
// release of e's minor version with a patch number beyond any a request
// can spell (they stop at 255).
func NamesPatch(r pyrequest.Request, e catalog.Entry, p *platform.Platform) bool {
	e.Patch, e.Prerelease = 1000, ""
	return !r.Matches(e, p)
}

// Upgrade carries out u. When it is Needed, Target is installed like any
// build (downloaded, verified, committed, then linked): the previous patch
// stays installed, and the minor link, with the commands through it, moves
// to the new one only once it is complete. Otherwise the group's links are
// repaired, so an upgrade killed between committing the new patch and
// linking it is finished by the next one. A Current that another pyget
// uninstalled meanwhile gives an error wrapping store.ErrNotInstalled.
func (in *Installer) Upgrade(ctx context.Context, u Upgrade) (Outcome, error) {
	if !u.Needed() {
		return in.Relink(ctx, u.Current.Entry.Key)
	}
	if u.Rebuild() {
		// The same key: the rebuild is swapped in atomically, as install
		// --reinstall does (a running interpreter keeps its files), and
		// the older build is gone rather than outdated.
		re := *in
		re.Reinstall = true
		return re.InstallEntry(ctx, u.Target)
	}
	return in.InstallEntry(ctx, u.Target)
}

// Outdated lists the installed builds that a newer installed build of the
// same group supersedes (outdated), in key order, leaving out those a
// minor-version link or a command in the bin dir leads to now (kept): a
// kill between installing a patch and linking it can leave the links on an
// older one, and removing it would move them without being asked to.
func (in *Installer) Outdated() (outdated, kept []store.Installation, err error) {
	installed, err := in.Layout.Installed()
	if err != nil {
		return nil, nil, err
	}
	linked, err := in.Layout.Linked()
	if err != nil {
		return nil, nil, err
	}
	newest := map[string]store.Installation{}
	for _, p := range PlanUpgrades(installed, nil) {
		newest[p.Group] = p.Current
	}
	for _, inst := range installed {
		if newest[inst.Entry.MinorKey()].Entry.Key == inst.Entry.Key {
			continue
		}
		if _, ok := linked[inst.Entry.Key]; ok {
			kept = append(kept, inst)
		} else {
			outdated = append(outdated, inst)
		}
	}
	return outdated, kept, nil
}

// OutdatedMatching is Outdated limited to the builds a request matches (of
// every platform unless it names one); all of them without requests.
func (in *Installer) OutdatedMatching(reqs []pyrequest.Request) (outdated, kept []store.Installation, err error) {
	outdated, kept, err = in.Outdated()
	if err != nil || len(reqs) == 0 {
		return outdated, kept, err
	}
	wanted := func(inst store.Installation) bool {
		for _, r := range reqs {
			if r.Matches(inst.Entry, nil) {
				return true
			}
		}
		return false
	}
	return slices.DeleteFunc(outdated, func(i store.Installation) bool { return !wanted(i) }),
		slices.DeleteFunc(kept, func(i store.Installation) bool { return !wanted(i) }), nil
}
