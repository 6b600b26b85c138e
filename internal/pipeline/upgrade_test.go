package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
	"github.com/pyget/pyget/internal/testutil"
)

// patchOf is e as another version of its minor, keyed as the catalog keys
// it; the URL and digest stay e's, so every patch installs e's archive.
func patchOf(e catalog.Entry, patch int, pre string) catalog.Entry {
	old := e.Version()
	e.Patch, e.Prerelease = patch, pre
	e.Key = strings.Replace(e.Key, "-"+old, "-"+e.Version(), 1)
	return e
}

func installations(entries ...catalog.Entry) []store.Installation {
	var out []store.Installation
	for _, e := range entries {
		out = append(out, store.Installation{Record: store.Record{Entry: e}, Dir: "/pythons/" + e.Key})
	}
	return out
}

func TestPlanUpgrades(t *testing.T) {
	p314 := catalog.Entry{
		Key: "cpython-3.14.6-linux-x86_64-gnu", Name: "cpython", OS: "linux", Libc: "gnu",
		Arch: catalog.Arch{Family: "x86_64"}, Major: 3, Minor: 14, Patch: 6, Build: "20260610",
	}
	p313 := p314
	p313.Minor, p313.Patch, p313.Key = 13, 4, "cpython-3.13.4-linux-x86_64-gnu"
	p315 := p314
	p315.Minor, p315.Patch, p315.Prerelease, p315.Key = 15, 0, "rc1", "cpython-3.15.0rc1-linux-x86_64-gnu"
	ft := p314
	ft.Variant, ft.Key = "freethreaded", "cpython-3.14.6+freethreaded-linux-x86_64-gnu"
	musl := p314
	musl.Libc, musl.Key = "musl", "cpython-3.14.6-linux-x86_64-musl"
	rebuilt := p313
	rebuilt.Build = "20270101"

	cat := []catalog.Entry{
		patchOf(p314, 8, ""), patchOf(p314, 1, ""), p314,
		patchOf(p314, 9, "rc1"), // a final release goes before a newer pre-release
		rebuilt,                 // a newer build of the same version: an upgrade (a rebuild)
		patchOf(p315, 0, "rc2"), // only pre-releases: the newest of them
		patchOf(ft, 7, ""),      // another variant: its own group
		patchOf(musl, 9, ""),    // another platform: its own group
	}
	got := PlanUpgrades(installations(patchOf(p314, 5, ""), p313, p314, p315, musl), cat)
	want := []struct{ group, current, target string }{
		{"cpython-3.14-linux-x86_64-gnu", "cpython-3.14.6-linux-x86_64-gnu", "cpython-3.14.8-linux-x86_64-gnu"},
		{"cpython-3.13-linux-x86_64-gnu", "cpython-3.13.4-linux-x86_64-gnu", "cpython-3.13.4-linux-x86_64-gnu+20270101"},
		{"cpython-3.15-linux-x86_64-gnu", "cpython-3.15.0rc1-linux-x86_64-gnu", "cpython-3.15.0rc2-linux-x86_64-gnu"},
		{"cpython-3.14-linux-x86_64-musl", "cpython-3.14.6-linux-x86_64-musl", "cpython-3.14.9-linux-x86_64-musl"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d plans, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		target, build, _ := strings.Cut(w.target, "+")
		if g.Group != w.group || g.Current.Entry.Key != w.current || g.Target.Key != target || build != "" && g.Target.Build != build {
			t.Errorf("plan %d: %s %s -> %s (%s), want %s %s -> %s", i, g.Group, g.Current.Entry.Key, g.Target.Key, g.Target.Build, w.group, w.current, w.target)
		}
		if g.Needed() != (w.current != w.target) || g.Rebuild() != (build != "") {
			t.Errorf("plan %d: Needed() = %v", i, g.Needed())
		}
	}

	// A catalog older than what is installed plans no downgrade, nor an
	// older build of the same version.
	older := p314
	older.Build = "20250101"
	if p := PlanUpgrades(installations(p314), []catalog.Entry{patchOf(p314, 5, ""), older}); p[0].Needed() {
		t.Errorf("plan with an older catalog: %+v", p[0])
	}
	if p := PlanUpgrades(nil, cat); len(p) != 0 {
		t.Errorf("plans without installs: %+v", p)
	}
}

// twoPatches installs the fake archive as 3.14.5 through in and returns the
// entries of 3.14.5 and 3.14.6 (the same archive under two keys).
func twoPatches(t *testing.T, srv *faultserver.Server) (in *Installer, older, newer catalog.Entry) {
	t.Helper()
	in, newer, _ = newInstaller(t, srv)
	older = patchOf(newer, 5, "")
	if _, err := in.InstallEntry(context.Background(), older); err != nil {
		t.Fatal(err)
	}
	return in, older, newer
}

// minorLinkTarget is where the 3.14 minor link points, "" without one.
// Where symlinks cannot be made (Windows without Developer Mode) there is
// no minor link: the build the group's commands run stands for it.
func minorLinkTarget(t *testing.T, in *Installer, e catalog.Entry) string {
	t.Helper()
	if !testutil.SymlinksWork() {
		group := fmt.Sprintf("%s-%d.%d.", e.Name, e.Major, e.Minor)
		for key := range in.Layout.BinLinks() {
			if strings.HasPrefix(key, group) && !strings.Contains(key, "+") {
				return key
			}
		}
		return ""
	}
	s, err := os.Readlink(filepath.Join(in.Layout.InstallDir, store.MinorLinkName(e)))
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func planOne(t *testing.T, in *Installer, cat ...catalog.Entry) Upgrade {
	t.Helper()
	all, err := in.Layout.Installed()
	if err != nil {
		t.Fatal(err)
	}
	plans := PlanUpgrades(all, cat)
	if len(plans) != 1 {
		t.Fatalf("%d plans, want 1: %+v", len(plans), plans)
	}
	return plans[0]
}

// An upgrade installs the new patch beside the old, moves the minor link
// and the command through it, and leaves the old patch installed; the next
// one finds nothing to do and asks the network nothing; Outdated then names
// the old patch.
func TestUpgradeMovesLinksAndKeepsPrevious(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, older, newer := twoPatches(t, srv)
	if got := minorLinkTarget(t, in, older); got != older.Key {
		t.Fatalf("minor link -> %q before the upgrade, want %s", got, older.Key)
	}
	if out, _, _ := in.Outdated(); len(out) != 0 {
		t.Fatalf("Outdated with one patch installed: %v", out)
	}

	u := planOne(t, in, older, newer)
	if !u.Needed() || u.Target.Key != newer.Key {
		t.Fatalf("plan %+v, want an upgrade to %s", u, newer.Key)
	}
	o, err := in.Upgrade(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if o.Already || o.Installation.Entry.Key != newer.Key {
		t.Fatalf("upgrade outcome: %+v", o)
	}
	if got := minorLinkTarget(t, in, older); got != newer.Key {
		t.Errorf("minor link -> %q after the upgrade, want %s", got, newer.Key)
	}
	cmd := binFile(in, "python3.14")
	if real, err := commandTarget(cmd); err != nil || !strings.Contains(real, string(filepath.Separator)+newer.Key+string(filepath.Separator)) {
		t.Errorf("python3.14 leads to %q (%v), want into %s", real, err, newer.Key)
	}
	if _, ok, _ := in.Layout.Find(older.Key); !ok {
		t.Error("the previous patch is gone after the upgrade")
	}

	before := len(srv.Requests())
	extractions := countExtractions(in)
	u = planOne(t, in, older, newer)
	if u.Needed() {
		t.Fatalf("second plan %+v, want nothing to do", u)
	}
	if o, err := in.Upgrade(context.Background(), u); err != nil || !o.Already {
		t.Fatalf("second upgrade: %+v, %v", o, err)
	}
	if n := len(srv.Requests()) - before; n != 0 || extractions.Load() != 0 {
		t.Errorf("an upgrade with nothing to do made %d requests and %d extractions", n, extractions.Load())
	}

	out, kept, err := in.Outdated()
	if err != nil || len(kept) != 0 || len(out) != 1 || out[0].Entry.Key != older.Key {
		t.Fatalf("Outdated = %v, kept %v, %v; want %s", out, kept, err, older.Key)
	}
	// Limited by requests: only the outdated builds a request matches.
	for _, tt := range []struct {
		req  string
		want int
	}{{"3.14", 1}, {"3.13", 0}} {
		r, err := pyrequest.Parse(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if out, _, err := in.OutdatedMatching([]pyrequest.Request{r}); err != nil || len(out) != tt.want {
			t.Errorf("OutdatedMatching(%s) = %v, %v; want %d", tt.req, out, err, tt.want)
		}
	}
}

// A kill between committing the new patch and linking it leaves the links
// on the old one: Outdated keeps that one, and the next upgrade, with
// nothing to install, moves the links.
func TestUpgradeFinishesInterruptedLinking(t *testing.T) {
	testutil.NeedSymlinks(t) // it puts a minor link back by hand
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, older, newer := twoPatches(t, srv)
	noLinks := *in
	noLinks.Links.NoBin = true
	// Committed but not linked: install 3.14.6, then put the link back.
	if _, err := noLinks.InstallEntry(context.Background(), newer); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(in.Layout.InstallDir, store.MinorLinkName(older))
	tmp := link + ".tmp"
	if err := os.Symlink(older.Key, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}

	out, kept, err := in.Outdated()
	if err != nil || len(out) != 0 || len(kept) != 1 || kept[0].Entry.Key != older.Key {
		t.Fatalf("Outdated = %v, kept %v, %v; want %s kept: the links lead to it", out, kept, err, older.Key)
	}
	u := planOne(t, in, older, newer)
	if u.Needed() {
		t.Fatalf("plan %+v: the new patch is installed already", u)
	}
	if _, err := in.Upgrade(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if got := minorLinkTarget(t, in, older); got != newer.Key {
		t.Errorf("minor link -> %q after the second upgrade, want %s", got, newer.Key)
	}
	if out, _, _ := in.Outdated(); len(out) != 1 || out[0].Entry.Key != older.Key {
		t.Errorf("Outdated after relinking = %v, want %s", out, older.Key)
	}
}

// An upgrade and an uninstall of the same minor at once, again and again:
// whatever the interleaving, at no moment does the minor link or the
// command through it lead nowhere, and at the end the minor link leads to
// the newest build left (or is gone with the last one).
func TestUpgradeAndUninstallAtOnce(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, older, newer := twoPatches(t, srv)
	link := filepath.Join(in.Layout.InstallDir, store.MinorLinkName(older))
	cmd := binFile(in, "python3.14")
	ctx := context.Background()

	// watch fails the test whenever a link exists but leads nowhere.
	var stop atomic.Bool
	var dangling atomic.Value
	var watching sync.WaitGroup
	watching.Go(func() {
		for !stop.Load() {
			for _, p := range []string{link, cmd} {
				if strings.HasSuffix(p, ".cmd") {
					// A shim (Windows without symlinks) is checked at the
					// end of each round: read without pause it would be
					// open nearly all the time, and Windows refuses to
					// replace an open file (pyget waits out brief holds,
					// not a reader that never lets go).
					continue
				}
				if err := danglingNow(p); err != nil {
					dangling.Store(p + ": " + err.Error())
				}
			}
		}
	})
	defer func() { stop.Store(true); watching.Wait() }()

	const rounds = 24
	for round := range rounds {
		// From 3.14.5 alone.
		if _, ok, _ := in.Layout.Find(newer.Key); ok {
			if err := in.Uninstall(ctx, newer.Key); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := in.InstallEntry(ctx, older); err != nil {
			t.Fatal(err)
		}
		u := planOne(t, in, older, newer)
		var removing []string
		switch round % 3 {
		case 0: // the old patch, as uninstall --outdated would once it is
			removing = []string{older.Key}
		case 1: // the new patch, should it be there already
			removing = []string{newer.Key}
		case 2: // every 3.14, as `uninstall 3.14` would
			removing = []string{older.Key, newer.Key}
		}
		var wg sync.WaitGroup
		var upErr, unErr error
		wg.Go(func() { _, upErr = in.Upgrade(ctx, u) })
		wg.Go(func() {
			for _, k := range removing {
				if err := in.Uninstall(ctx, k); err != nil && !errors.Is(err, store.ErrNotInstalled) {
					unErr = err
				}
			}
		})
		wg.Wait()
		if upErr != nil || unErr != nil {
			t.Fatalf("round %d: upgrade: %v; uninstall: %v", round, upErr, unErr)
		}
		if d := dangling.Load(); d != nil {
			t.Fatalf("round %d: a link led nowhere: %s", round, d)
		}
		checkGroupConsistent(t, in, older, link, cmd)
	}
}

// checkGroupConsistent: the minor link leads to the newest build installed,
// or is absent when none is; the command exists only when it runs.
func checkGroupConsistent(t *testing.T, in *Installer, e catalog.Entry, link, cmd string) {
	t.Helper()
	all, err := in.Layout.Installed()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, p := range PlanUpgrades(all, nil) {
		keys = append(keys, p.Current.Entry.Key)
	}
	got := minorLinkTarget(t, in, e)
	if len(keys) == 0 && got != "" || len(keys) == 1 && got != keys[0] || len(keys) > 1 {
		t.Fatalf("minor link -> %q with newest installed %v", got, keys)
	}
	if _, err := os.Lstat(cmd); err == nil {
		if err := leadsSomewhere(cmd); err != nil {
			t.Fatalf("%s leads nowhere: %v", cmd, err)
		}
	} else if len(keys) > 0 {
		// The command goes with the last build only.
		t.Fatalf("%s missing with %v installed: %v", cmd, keys, err)
	}
}

func TestNewestPatchAndChooseUpgrades(t *testing.T) {
	p314 := catalog.Entry{
		Key: "cpython-3.14.6-linux-x86_64-gnu", Name: "cpython", OS: "linux", Libc: "gnu",
		Arch: catalog.Arch{Family: "x86_64"}, Major: 3, Minor: 14, Patch: 6, Build: "20260610",
	}
	p313 := patchOf(p314, 4, "")
	p313.Minor, p313.Key = 13, "cpython-3.13.4-linux-x86_64-gnu"
	p312 := patchOf(p314, 2, "")
	p312.Minor, p312.Key = 12, "cpython-3.12.2-linux-x86_64-gnu"
	cat := []catalog.Entry{p314, patchOf(p314, 8, ""), p313, patchOf(p313, 5, ""), p312, patchOf(p312, 9, "")}

	if got := NewestPatch(p312, cat); got.Key != "cpython-3.12.9-linux-x86_64-gnu" {
		t.Errorf("NewestPatch(3.12.2) = %s, want 3.12.9", got.Key)
	}
	if got := NewestPatch(patchOf(p312, 9, ""), cat[:5]); got.Key != "cpython-3.12.9-linux-x86_64-gnu" {
		t.Errorf("NewestPatch with nothing newer = %s, want the entry itself", got.Key)
	}

	installed := installations(p314, p313)
	plans := PlanUpgrades(installed, cat)
	plat := platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}
	// The resolver's catalog is a fake: no cache, no network.
	res := &Resolver{Catalog: fakeCatalog{entries: cat}, Platform: plat, Installed: installed}
	ctx := context.Background()
	reqs := func(ss ...string) []pyrequest.Request {
		var out []pyrequest.Request
		for _, s := range ss {
			r, err := pyrequest.Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	groups := func(ps []Upgrade) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Group)
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		reqs    []string
		fromPin bool
		groups  []string
		fresh   string // the fresh upgrade's entry, if any
		wantErr string
	}{
		{"no requests: every plan", nil, false, []string{"cpython-3.14-linux-x86_64-gnu", "cpython-3.13-linux-x86_64-gnu"}, "", ""},
		{"a minor version installed", []string{"3.13"}, false, []string{"cpython-3.13-linux-x86_64-gnu"}, "", ""},
		{"a minor version not installed", []string{"3.12"}, false, nil, "cpython-3.12.9-linux-x86_64-gnu", ""},
		{"a patch on the command line", []string{"3.13.4"}, false, nil, "", "not a patch or a pre-release: 3.13.4"},
		{"a pinned patch selects its minor", []string{"3.13.4"}, true, []string{"cpython-3.13-linux-x86_64-gnu"}, "", ""},
		{"a pinned patch not installed: its minor's newest", []string{"3.12.2"}, true, nil, "cpython-3.12.9-linux-x86_64-gnu", ""},
		{"nothing to resolve to", []string{"3.11"}, false, nil, "", `upgrade "3.11": no download for "3.11" on linux-x86_64-gnu in the catalog`},
	} {
		got, fresh, err := res.chooseUpgrades(ctx, plans, cat, reqs(tt.reqs...), tt.fromPin)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if g := groups(got); strings.Join(g, " ") != strings.Join(tt.groups, " ") {
			t.Errorf("%s: groups %v, want %v", tt.name, g, tt.groups)
		}
		var fk string
		if len(fresh) == 1 {
			fk = fresh[0].Entry.Key
		} else if len(fresh) > 1 {
			fk = "several"
		}
		if fk != tt.fresh {
			t.Errorf("%s: fresh %q, want %q", tt.name, fk, tt.fresh)
		}
	}
	var pe *PatchRequestError
	if _, _, err := res.chooseUpgrades(ctx, plans, cat, reqs("3.14.6"), false); !errors.As(err, &pe) || pe.Request != "3.14.6" {
		t.Errorf("a patch request: %v, want a *PatchRequestError naming it", err)
	}
}

// binFile is the file in BinDir that provides command name: name, or on
// Windows name.exe (a symlink) or else name.cmd (a shim).
func binFile(in *Installer, name string) string {
	p := filepath.Join(in.Layout.BinDir, name)
	if runtime.GOOS != "windows" {
		return p
	}
	if _, err := os.Lstat(p + ".exe"); err == nil {
		return p + ".exe"
	}
	return p + ".cmd"
}

// commandTarget is the interpreter a command in BinDir runs: its links
// resolved, or the target a .cmd shim names.
func commandTarget(cmd string) (string, error) {
	if strings.HasSuffix(cmd, ".cmd") {
		b, err := readShared(cmd)
		if err != nil {
			return "", err
		}
		for _, line := range strings.Split(string(b), "\r\n") {
			if target, ok := strings.CutPrefix(line, "rem pyget shim: "); ok {
				return target, nil
			}
		}
		return "", fmt.Errorf("%s names no target", cmd)
	}
	return filepath.EvalSymlinks(cmd)
}

// leadsSomewhere: the link or shim at p reaches a file.
func leadsSomewhere(p string) error {
	if !strings.HasSuffix(p, ".cmd") {
		// One stat: the kernel resolves the links at one moment.
		_, err := os.Stat(p)
		return err
	}
	target, err := commandTarget(p)
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path == p && !errors.Is(err, os.ErrNotExist) {
		// Windows: the shim is being replaced at this instant (a sharing
		// violation); the next poll reads it.
		return nil
	}
	if err != nil {
		return err
	}
	_, err = os.Stat(target)
	return err
}
