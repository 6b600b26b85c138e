package pipeline

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/testutil"
)

// diskFullSetup serves fakeArchive (a runnable bin/python3.14 and a
// fakeBlob-byte file) and returns an installer whose install dir is
// installDir; the cache and the bin dir are on the ordinary disk.
func init() {
	segmentedTests["DiskFullDuringExtractionLeavesNothing"] = TestDiskFullDuringExtractionLeavesNothing
	segmentedTests["DiskFullReinstallKeepsPrevious"] = TestDiskFullReinstallKeepsPrevious
}

func diskFullSetup(t *testing.T, installDir string) (*Installer, catalog.Entry, *faultserver.Server) {
	t.Helper()
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	t.Cleanup(srv.Close)
	in, e, _ := newInstaller(t, srv)
	in.Layout.InstallDir = installDir
	return in, e, srv
}

// snapshot describes every entry under dir except the lock files: kind,
// mode, link target and content digest, so any change to a tree shows.
func snapshot(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() && d.Name() == ".locks" {
			return filepath.SkipDir
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v", rel, fi.Mode())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			line += " -> " + target
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			line += fmt.Sprintf(" %d %x", len(b), h[:8])
		}
		out = append(out, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// checkDiskFullError wants the error to carry ENOSPC and to name a path in
// the install dir, which is where the space ran out. It starts by saying
// what was being installed and where, and does not blame the archive in the
// download cache, which is fine.
func checkDiskFullError(t *testing.T, err error, in *Installer, e catalog.Entry) {
	t.Helper()
	installDir := in.Layout.InstallDir
	if err == nil {
		t.Fatal("an install larger than the install dir's filesystem succeeded")
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("error does not wrap ENOSPC: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, installDir+string(filepath.Separator)) {
		t.Errorf("error %q does not say 'no space left on device' and a path in %s", msg, installDir)
	}
	if want := "installing " + e.Key + " into " + installDir + ": "; !strings.HasPrefix(msg, want) {
		t.Errorf("error %q does not start with %q", msg, want)
	}
	if cached := in.Fetcher.(*fetch.Fetcher).ArchivePath(e.SHA256); strings.Contains(msg, cached) {
		t.Errorf("error %q names the cached archive %s, which is not at fault", msg, cached)
	}
	if n := strings.Count(msg, e.Key+" into "); n != 1 {
		t.Errorf("error %q says what is installed where %d times, want once", msg, n)
	}
}

// noLeftovers wants no hidden staging, swap or link temp entries in the
// install dir.
func noLeftovers(t *testing.T, installDir string) {
	t.Helper()
	entries, err := os.ReadDir(installDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range entries {
		if name := de.Name(); strings.HasPrefix(name, ".") && name != ".locks" {
			t.Errorf("install dir holds %s after the failed install", name)
		}
	}
}

func runFake(t *testing.T, exe string) {
	t.Helper()
	out, err := exec.Command(exe).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "Python 3.14.6" {
		t.Errorf("interpreter %s: %q, %v", exe, out, err)
	}
}

// An install dir that fills up during extraction: the install fails with
// ENOSPC naming the path, and leaves nothing behind — no staging tree, no
// half install under the key, no minor link, no commands in the bin dir.
func TestDiskFullDuringExtractionLeavesNothing(t *testing.T) {
	testutil.Tmpfs(t, "1m", func(installDir string) {
		in, e, _ := diskFullSetup(t, installDir)
		extractions := countExtractions(in)
		_, err := in.InstallEntry(context.Background(), e)
		checkDiskFullError(t, err, in, e)
		// A full disk is no fault of the bytes: the verified archive is not
		// read a second time to fill the disk again.
		if n := extractions.Load(); n != 1 {
			t.Errorf("extracted %d times, want once", n)
		}
		noLeftovers(t, installDir)
		if got := snapshot(t, installDir); len(got) != 0 {
			t.Errorf("install dir after the failed install holds:\n%s", strings.Join(got, "\n"))
		}
		if got := snapshot(t, in.Layout.BinDir); len(got) != 0 {
			t.Errorf("bin dir after the failed install holds:\n%s", strings.Join(got, "\n"))
		}
		if all, err := in.Layout.Installed(); err != nil || len(all) != 0 {
			t.Errorf("installed after the failed install: %+v, %v", all, err)
		}
	})
}

// A reinstall whose extraction fills the install dir leaves the previous
// install of the build exactly as it was: its files, their content, its
// record, its minor link and its commands, still found and still running.
// Both from the download cache and from a fresh download.
func TestDiskFullReinstallKeepsPrevious(t *testing.T) {
	for _, fromCache := range []bool{false, true} {
		name := "download"
		if fromCache {
			name = "cached"
		}
		t.Run(name, func(t *testing.T) {
			// Room for one tree (a little over 4 MiB), not for two.
			testutil.Tmpfs(t, "6m", func(installDir string) {
				in, e, srv := diskFullSetup(t, installDir)
				first, err := in.InstallEntry(context.Background(), e)
				if err != nil {
					t.Fatalf("first install: %v", err)
				}
				if len(first.Links.Links) == 0 {
					t.Fatalf("first install linked nothing: %+v", first.Links)
				}
				treeBefore := snapshot(t, installDir)
				binBefore := snapshot(t, in.Layout.BinDir)
				if !fromCache {
					if err := os.Remove(first.Transfer.Path); err != nil {
						t.Fatal(err)
					}
				}
				requests := len(srv.Requests())

				in.Reinstall = true
				extractions := countExtractions(in)
				_, err = in.InstallEntry(context.Background(), e)
				checkDiskFullError(t, err, in, e)
				if n := extractions.Load(); n != 1 {
					t.Errorf("extracted %d times, want once", n)
				}
				if fromCache && len(srv.Requests()) != requests {
					t.Errorf("the reinstall from the cache made %d requests", len(srv.Requests())-requests)
				}

				noLeftovers(t, installDir)
				if got := snapshot(t, installDir); !slices.Equal(got, treeBefore) {
					t.Errorf("install dir changed by the failed reinstall:\nbefore:\n%s\nafter:\n%s",
						strings.Join(treeBefore, "\n"), strings.Join(got, "\n"))
				}
				if got := snapshot(t, in.Layout.BinDir); !slices.Equal(got, binBefore) {
					t.Errorf("bin dir changed by the failed reinstall:\nbefore:\n%s\nafter:\n%s",
						strings.Join(binBefore, "\n"), strings.Join(got, "\n"))
				}
				all, err := in.Layout.Installed()
				if err != nil || len(all) != 1 || all[0].Dir != first.Installation.Dir ||
					!all[0].InstalledAt.Equal(first.Installation.InstalledAt) || all[0].SHA256 != e.SHA256 {
					t.Fatalf("installed after the failed reinstall: %+v, %v; want the first install %+v", all, err, first.Installation)
				}
				runFake(t, all[0].Executable)
				for _, l := range first.Links.Links {
					runFake(t, l)
				}
			})
		})
	}
}
