package store

import (
	"maps"
	"path/filepath"
	"testing"
)

func TestLinked(t *testing.T) {
	needLinks(t)
	l := testLayout(t)
	if got, err := l.Linked(); err != nil || len(got) != 0 {
		t.Fatalf("Linked without an install dir = %v, %v", got, err)
	}
	old := installAndLinkOrSkip(t, l, cpy(5, ""), LinkOptions{})
	newest := installAndLinkOrSkip(t, l, cpy(6, ""), LinkOptions{})
	nobin := installAndLinkOrSkip(t, l, entry("cpython", 3, 13, 2, "", ""), LinkOptions{NoBin: true})
	got, err := l.Linked()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		newest.Entry.Key: filepath.Join(l.BinDir, "python3.14"),
		// Reached by its minor link only.
		nobin.Entry.Key: filepath.Join(l.InstallDir, MinorLinkName(nobin.Entry)),
	}
	// Not 3.14.5: the minor link moved on to 3.14.6.
	if !maps.Equal(got, want) {
		t.Fatalf("Linked = %v, want %v", got, want)
	}

	// A minor link left on the older patch (a kill between installing a
	// patch and linking it) makes that one linked, and the newer not.
	minor := filepath.Join(l.InstallDir, MinorLinkName(old.Entry))
	if err := replaceLink(old.Entry.Key, minor, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Linked(); got[old.Entry.Key] == "" || got[newest.Entry.Key] != "" {
		t.Errorf("Linked with the minor link on 3.14.5 = %v", got)
	}
}
