package store

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func TestBinLinks(t *testing.T) {
	needLinks(t)
	l := testLayout(t)
	if got := l.BinLinks(); len(got) != 0 {
		t.Fatalf("BinLinks without a bin dir = %v", got)
	}
	old := installAndLinkOrSkip(t, l, cpy(5, ""), LinkOptions{})
	newest := installAndLinkOrSkip(t, l, cpy(6, ""), LinkOptions{Default: true})
	pypy := installAndLinkOrSkip(t, l, entry("pypy", 3, 11, 13, "", ""), LinkOptions{})
	// Not pyget's: a link out of the install dir and a plain file.
	if err := os.Symlink(filepath.Join(t.TempDir(), "elsewhere"), filepath.Join(l.BinDir, "other")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(l.BinDir, "script"), "#!/bin/sh\n", 0o755)

	got := l.BinLinks()
	want := map[string]string{
		// python, python3 and python3.14 all reach 3.14.6 through the
		// minor link: the shortest name stands for them.
		newest.Entry.Key: filepath.Join(l.BinDir, "python"),
		pypy.Entry.Key:   filepath.Join(l.BinDir, "pypy3.11"),
	}
	if len(got) != len(want) {
		t.Fatalf("BinLinks = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("BinLinks[%s] = %q, want %q", k, got[k], v)
		}
	}
	if p, ok := got[old.Entry.Key]; ok {
		t.Errorf("3.14.5 is linked as %s; the minor link moved on to 3.14.6", p)
	}
}

// TestBinLinksThroughLinkedInstallDir: bin links resolve to real paths, so
// an install dir reached through a symlink must be resolved too.
func TestBinLinksThroughLinkedInstallDir(t *testing.T) {
	needLinks(t)
	real := testLayout(t)
	if err := os.MkdirAll(real.InstallDir, 0o755); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(real.InstallDir, linked); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	l := Layout{InstallDir: linked, BinDir: real.BinDir}
	inst := installAndLinkOrSkip(t, l, cpy(6, ""), LinkOptions{})
	if got, want := l.BinLinks()[inst.Entry.Key], filepath.Join(l.BinDir, "python3.14"); got != want {
		t.Fatalf("BinLinks[%s] = %q, want %q", inst.Entry.Key, got, want)
	}
}

// installAndLinkOrSkip is installAndLink where links can be made: BinLinks
// is about links.
func installAndLinkOrSkip(t *testing.T, l Layout, e catalog.Entry, opts LinkOptions) Installation {
	t.Helper()
	inst, rep := installAndLink(t, l, e, opts)
	if !opts.NoBin && len(rep.Links) == 0 {
		t.Skip("no executable links in this environment")
	}
	return inst
}
