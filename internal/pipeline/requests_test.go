package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

func TestArchivePath(t *testing.T) {
	dir := t.TempDir()
	have := filepath.Join(dir, "cpython-3.14.6-x86_64-unknown-linux-gnu-install_only.tar.gz")
	if err := os.WriteFile(have, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.tar.zst")
	for _, tt := range []struct {
		arg    string
		given  bool
		want   string
		noSuch bool
	}{
		{have, true, have, false},
		{have, false, have, false},
		{"3.14", true, "", false},
		{"cpython@3.14", true, "", false},
		{missing, true, "", true},
		{missing, false, "", false},           // read from a pin: a request, never a path
		{">=3.12,<3.13.zip", true, "", false}, // a request's operators: parsed as one
	} {
		got, err := ArchivePath(tt.arg, tt.given)
		if got != tt.want || errors.Is(err, ErrNoArchive) != tt.noSuch || (err != nil && !tt.noSuch) {
			t.Errorf("ArchivePath(%q, %v) = %q, %v; want %q (no such archive: %v)", tt.arg, tt.given, got, err, tt.want, tt.noSuch)
		}
	}
}

func TestBestInstalledAndDigests(t *testing.T) {
	e := catalog.Entry{
		Key: "cpython-3.14.6-linux-x86_64-gnu", Name: "cpython", OS: "linux", Libc: "gnu",
		Arch: catalog.Arch{Family: "x86_64"}, Major: 3, Minor: 14, Patch: 6, SHA256: "AA",
	}
	old := patchOf(e, 5, "")
	old.SHA256 = "bb"
	arm := e
	arm.Arch, arm.Key, arm.SHA256 = catalog.Arch{Family: "aarch64"}, "cpython-3.14.6-linux-aarch64-gnu", "cc"
	installed := installations(old, e, arm)
	installed[0].SHA256 = "bb"

	r, err := pyrequest.Parse("3.14")
	if err != nil {
		t.Fatal(err)
	}
	plat := platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}
	var keys []string
	for _, inst := range BestInstalled(installed, r, &plat) {
		keys = append(keys, inst.Entry.Key)
	}
	if !slices.Equal(keys, []string{e.Key, old.Key}) {
		t.Errorf("BestInstalled(3.14) = %v, want the newest first, this platform only", keys)
	}

	// The catalog's digests and an installed build's own, every platform.
	shas, names, err := Digests([]catalog.Entry{e, arm}, installed[:1], []pyrequest.Request{r})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shas, []string{"aa", "cc", "bb"}) || names["aa"] != e.Key || names["bb"] != old.Key {
		t.Errorf("Digests = %v, %v", shas, names)
	}
	r2, _ := pyrequest.Parse("3.9")
	var nb *NoBuildError
	if _, _, err := Digests([]catalog.Entry{e}, []store.Installation{}, []pyrequest.Request{r, r2}); !errors.As(err, &nb) || nb.Request != "3.9" {
		t.Errorf("Digests with a request matching nothing: %v", err)
	}
}
