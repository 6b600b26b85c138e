package pipeline

import (
	"context"
	"testing"

	"github.com/pyget/pyget/internal/faultserver"
)

// TestUpgradeToRebuild: a newer python-build-standalone release of the
// installed version is an upgrade; it replaces the older build in place (one
// install of the version, its links unmoved), and nothing is left outdated.
func TestUpgradeToRebuild(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, rebuilt, _ := newInstaller(t, srv)
	old := rebuilt
	old.Build = "20250101"
	if _, err := in.InstallEntry(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	u := planOne(t, in, old, rebuilt)
	if !u.Needed() || !u.Rebuild() || u.Target.Build != rebuilt.Build {
		t.Fatalf("plan %+v, want the rebuild", u)
	}
	o, err := in.Upgrade(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if o.Already || o.Installation.Entry.Build != rebuilt.Build {
		t.Fatalf("upgrade outcome: already %v, build %s", o.Already, o.Installation.Entry.Build)
	}
	inst, ok, err := in.Layout.Find(rebuilt.Key)
	if err != nil || !ok || inst.Entry.Build != rebuilt.Build {
		t.Fatalf("installed: %+v, %v, %v; want build %s", inst.Entry, ok, err, rebuilt.Build)
	}
	all, _ := in.Layout.Installed()
	if len(all) != 1 {
		t.Fatalf("%d installs, want the rebuild alone", len(all))
	}
	if got := minorLinkTarget(t, in, rebuilt); got != rebuilt.Key {
		t.Errorf("minor link -> %q, want %s", got, rebuilt.Key)
	}
	if out, kept, _ := in.Outdated(); len(out)+len(kept) != 0 {
		t.Errorf("outdated after a rebuild: %v, kept %v", out, kept)
	}
	// Done: the next plan has nothing to do.
	if u := planOne(t, in, old, rebuilt); u.Needed() {
		t.Fatalf("second plan %+v", u)
	}
}
