package pipeline

import (
	"context"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/store"
)

// Upgrade is the plan for one group of installed builds: those sharing a
// minor-version link (the same implementation, minor version, variant and
// platform).
type Upgrade struct {
	// Group is the minor link's name (store.MinorLinkName), e.g.
	// cpython-3.14-linux-x86_64-gnu.
	Group string
	// Current is the group's newest installed build: the one its minor link
	// and the commands through it lead to.
	Current store.Installation
	// Target is the build to install: the catalog's newest of the group
	// (the newest final release, unless the catalog has only pre-releases
	// of it) when its version is newer than Current's, else Current's own
	// entry. A newer build tag of Current's version is not an upgrade:
	// `install --reinstall` swaps that in.
	Target catalog.Entry
}

// Needed reports whether Target is a newer patch to install.
func (u Upgrade) Needed() bool { return u.Target.Key != u.Current.Entry.Key }

// PlanUpgrades plans an upgrade for every group of installed builds, in the
// order the groups first appear in installed, from the catalog's entries.
func PlanUpgrades(installed []store.Installation, entries []catalog.Entry) []Upgrade {
	var plans []Upgrade
	index := map[string]int{} // group -> plans index
	for _, inst := range installed {
		g := store.MinorLinkName(inst.Entry)
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
		i, ok := index[store.MinorLinkName(*e)]
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
		if best != nil && catalog.CompareVersions(best.ParsedVersion(), p.Current.Entry.ParsedVersion()) > 0 {
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
		if newest[store.MinorLinkName(inst.Entry)].Entry.Key == inst.Entry.Key {
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
