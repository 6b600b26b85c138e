package store

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestUninstall(t *testing.T) {
	needLinks(t)
	l := testLayout(t)
	e := cpy(6, "")
	other := entry("cpython", 3, 13, 2, "", "")
	inst, _ := installAndLink(t, l, e, LinkOptions{Default: true})
	installAndLink(t, l, other, LinkOptions{}) // python3.13 stays
	foreign := filepath.Join(l.BinDir, "python3.12")
	writeFile(t, foreign, "mine", 0o755)
	dangling := filepath.Join(l.BinDir, "unrelated")
	symlinkT(t, "/nonexistent/python", dangling)

	if err := removeOne(l, inst.Entry.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(inst.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("build dir still there: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(l.InstallDir, MinorLinkName(e))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("minor link still there: %v", err)
	}
	des, err := os.ReadDir(l.BinDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	if want := []string{"python3.12", "python3.13", "unrelated"}; !slices.Equal(names, want) {
		t.Errorf("bin dir holds %v, want %v", names, want)
	}
	if got := keys(t, l); !slices.Equal(got, []string{other.Key}) {
		t.Errorf("Installed = %v", got)
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("leftovers: %v", h)
	}
	if err := removeOne(l, inst.Entry.Key); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("second Remove: %v, want ErrNotInstalled", err)
	}
}

// TestUninstallKeepsLinksOfRemainingPatch: python3 from --default went
// through the minor link, which now reaches the older patch: it stays.
func TestUninstallKeepsLinksOfRemainingPatch(t *testing.T) {
	l := testLayout(t)
	installAndLink(t, l, cpy(5, ""), LinkOptions{Default: true})
	newest, _ := installAndLink(t, l, cpy(6, ""), LinkOptions{Default: true})
	if err := removeOne(l, newest.Entry.Key); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"python3.14", "python3", "python"} {
		if _, err := os.Stat(binFile(l, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}
