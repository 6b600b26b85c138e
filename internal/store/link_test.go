package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func TestBinLinksGoThroughMinorLink(t *testing.T) {
	needLinks(t)
	tests := []struct {
		name      string
		e         catalog.Entry
		opts      LinkOptions
		wantLinks []string
		exe       string // in the tree
	}{
		{"plain", cpy(6, ""), LinkOptions{}, []string{"python3.14"}, "bin/python3.14"},
		{"default", cpy(6, ""), LinkOptions{Default: true}, []string{"python3.14", "python3", "python"}, "bin/python3.14"},
		{"freethreaded", entry("cpython", 3, 14, 6, "", "freethreaded"), LinkOptions{}, []string{"python3.14t"}, "bin/python3.14t"},
		{"pypy", entry("pypy", 3, 11, 13, "", ""), LinkOptions{}, []string{"pypy3.11"}, "bin/pypy3.11"},
		{"nobin", cpy(6, ""), LinkOptions{NoBin: true, Default: true}, nil, "bin/python3.14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLayout(t)
			_, rep := installAndLink(t, l, tt.e, tt.opts)
			minor := filepath.Join(l.InstallDir, MinorLinkName(tt.e))
			if got := readlink(t, minor); got != tt.e.Key {
				t.Errorf("minor link -> %s, want %s (relative)", got, tt.e.Key)
			}
			var want []string
			for _, n := range tt.wantLinks {
				want = append(want, filepath.Join(l.BinDir, n))
			}
			if !slices.Equal(rep.Links, want) || len(rep.Skipped) != 0 {
				t.Errorf("report %+v, want links %v", rep, want)
			}
			for _, p := range want {
				if got, want := readlink(t, p), filepath.Join(minor, filepath.FromSlash(tt.exe)); got != want {
					t.Errorf("%s -> %s, want %s", p, got, want)
				}
				out, err := exec.Command(p).Output()
				if err != nil || !strings.Contains(string(out), "fake "+tt.e.Key) {
					t.Errorf("running %s: %q %v", p, out, err)
				}
			}
			if tt.opts.NoBin {
				if _, err := os.Stat(l.BinDir); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("NoBin created the bin dir: %v", err)
				}
			}
		})
	}
}

func TestMinorLinkFollowsNewestPatch(t *testing.T) {
	needLinks(t)
	l := testLayout(t)
	minor := filepath.Join(l.InstallDir, "cpython-3.14-linux-x86_64-gnu")
	ft := entry("cpython", 3, 14, 6, "", "freethreaded")
	steps := []struct {
		install, uninstall catalog.Entry
		want               string // minor link target; "" = no link
	}{
		{install: cpy(5, ""), want: cpy(5, "").Key},
		{install: cpy(6, ""), want: cpy(6, "").Key},
		{install: cpy(4, ""), want: cpy(6, "").Key},       // older patch does not win
		{install: cpy(7, "rc1"), want: cpy(7, "rc1").Key}, // a newer patch's pre-release wins
		{install: cpy(7, ""), want: cpy(7, "").Key},       // its final wins over it
		{install: ft, want: cpy(7, "").Key},               // another variant has its own link
		{uninstall: cpy(7, ""), want: cpy(7, "rc1").Key},
		{uninstall: cpy(7, "rc1"), want: cpy(6, "").Key},
		{uninstall: cpy(4, ""), want: cpy(6, "").Key},
		{uninstall: cpy(6, ""), want: cpy(5, "").Key},
		{uninstall: cpy(5, ""), want: ""},
	}
	insts := map[string]Installation{}
	for i, s := range steps {
		if s.install.Key != "" {
			insts[s.install.Key], _ = installAndLink(t, l, s.install, LinkOptions{})
		} else if err := removeOne(l, insts[s.uninstall.Key].Entry.Key); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got, err := os.Readlink(minor)
		if s.want == "" {
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("step %d: minor link still there: %q %v", i, got, err)
			}
		} else if got != s.want {
			t.Errorf("step %d: minor link -> %q (%v), want %s", i, got, err, s.want)
		}
		// python3.14 always runs the newest, through the link.
		out, err := exec.Command(filepath.Join(l.BinDir, "python3.14")).Output()
		if s.want == "" {
			if err == nil {
				t.Errorf("step %d: python3.14 still runs", i)
			}
		} else if !strings.Contains(string(out), s.want) {
			t.Errorf("step %d: python3.14 runs %q, want %s", i, out, s.want)
		}
	}
	if got := readlink(t, filepath.Join(l.InstallDir, MinorLinkName(ft))); got != ft.Key {
		t.Errorf("freethreaded minor link -> %s", got)
	}
	if got := readlink(t, filepath.Join(l.BinDir, "python3.14t")); !strings.Contains(got, MinorLinkName(ft)) {
		t.Errorf("python3.14t -> %s", got)
	}
}

func TestForeignExecutables(t *testing.T) {
	needLinks(t)
	tests := []struct {
		name        string
		setup       func(t *testing.T, path string)
		force       bool
		wantSkipped bool
	}{
		{"regular file", func(t *testing.T, p string) { writeFile(t, p, "mine", 0o755) }, false, true},
		{"regular file forced", func(t *testing.T, p string) { writeFile(t, p, "mine", 0o755) }, true, false},
		{"foreign symlink", func(t *testing.T, p string) { symlinkT(t, "/usr/bin/python3", p) }, false, true},
		{"foreign symlink forced", func(t *testing.T, p string) { symlinkT(t, "/usr/bin/python3", p) }, true, false},
		{"relative symlink out of InstallDir", func(t *testing.T, p string) { symlinkT(t, "../elsewhere/python", p) }, false, true},
		{"directory even forced", func(t *testing.T, p string) { os.MkdirAll(p, 0o755) }, true, true},
		{"pyget's stale link", func(t *testing.T, p string) {
			symlinkT(t, filepath.Join(filepath.Dir(p), "..", "python", "cpython-3.13-linux-x86_64-gnu", "bin", "python3.13"), p)
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLayout(t)
			path := filepath.Join(l.BinDir, "python3.14")
			tt.setup(t, path)
			before, _ := os.Lstat(path)
			_, rep := installAndLink(t, l, cpy(6, ""), LinkOptions{Force: tt.force, Default: true})
			if got := slices.Contains(rep.Skipped, path); got != tt.wantSkipped {
				t.Errorf("skipped = %v, want %v (report %+v)", got, tt.wantSkipped, rep)
			}
			if slices.Contains(rep.Links, path) == tt.wantSkipped {
				t.Errorf("links %v", rep.Links)
			}
			after, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantSkipped && !os.SameFile(before, after) {
				t.Error("foreign executable replaced")
			}
			if !tt.wantSkipped {
				if dest := readlink(t, path); under(dest, l.InstallDir) == "" {
					t.Errorf("not replaced: -> %s", dest)
				}
			}
			// The other names are linked regardless.
			for _, n := range []string{"python3", "python"} {
				if !slices.Contains(rep.Links, filepath.Join(l.BinDir, n)) {
					t.Errorf("%s not linked: %+v", n, rep)
				}
			}
		})
	}
}

func symlinkT(t *testing.T, target, path string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func TestLinkReportsOnPATH(t *testing.T) {
	l := testLayout(t)
	inst := installOne(t, l, cpy(6, ""), nil)
	for _, onPath := range []bool{false, true} {
		path := "/usr/bin"
		if onPath {
			path += string(filepath.ListSeparator) + l.BinDir
		}
		l.PathEnv = path
		rep, err := l.Link(context.Background(), inst, LinkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OnPATH != onPath {
			t.Errorf("OnPATH = %v, want %v", rep.OnPATH, onPath)
		}
	}
}

func TestLinkIsIdempotent(t *testing.T) {
	needLinks(t)
	l := testLayout(t)
	inst, first := installAndLink(t, l, cpy(6, ""), LinkOptions{Default: true})
	before, _ := os.Lstat(filepath.Join(l.BinDir, "python3"))
	// A temp link a killed pyget left is swept; a user's hidden file is not.
	symlinkT(t, "python3", filepath.Join(l.BinDir, ".pyget-link-77"))
	writeFile(t, filepath.Join(l.BinDir, ".pyget-link-user"), "x", 0o644)
	// So is an interrupted .cmd shim write (fsutil's temp name); a user's
	// other temp-looking file is not.
	writeFile(t, filepath.Join(l.BinDir, ".python3.cmd.tmp-123"), "half", 0o644)
	writeFile(t, filepath.Join(l.BinDir, ".notes.tmp-1"), "x", 0o644)
	second, err := l.Link(context.Background(), inst, LinkOptions{Default: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first.Links, second.Links) || len(second.Skipped) != 0 {
		t.Errorf("second Link: %+v, first %+v", second, first)
	}
	after, _ := os.Lstat(filepath.Join(l.BinDir, "python3"))
	if !os.SameFile(before, after) {
		t.Error("a correct link was rewritten")
	}
	des, _ := os.ReadDir(l.BinDir)
	if len(des) != 5 {
		t.Errorf("bin dir holds %d entries, want 3 links and the user's 2 files", len(des))
	}
}

func TestLinkBadBinDir(t *testing.T) {
	l := testLayout(t)
	writeFile(t, l.BinDir, "a file", 0o644)
	inst := installOne(t, l, cpy(6, ""), nil)
	_, err := l.Link(context.Background(), inst, LinkOptions{})
	if err == nil || !strings.Contains(err.Error(), l.BinDir) {
		t.Errorf("Link: %v, want an error naming %s", err, l.BinDir)
	}
	if _, ok, _ := l.Find(inst.Entry.Key); !ok {
		t.Error("install damaged")
	}
}

func TestMinorLinkInTheWay(t *testing.T) {
	l := testLayout(t)
	e := cpy(6, "")
	os.MkdirAll(filepath.Join(l.InstallDir, MinorLinkName(e)), 0o755)
	inst := installOne(t, l, e, nil)
	if _, err := l.Link(context.Background(), inst, LinkOptions{}); err == nil || !strings.Contains(err.Error(), MinorLinkName(e)) {
		t.Errorf("Link: %v, want an error naming the minor link", err)
	}
}
