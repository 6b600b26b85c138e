package store

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func TestMinorLinkName(t *testing.T) {
	odd := lin(cpy(6, ""))
	odd.Key = "weird-key"
	tests := []struct {
		e    catalog.Entry
		want string
	}{
		{lin(cpy(6, "")), "cpython-3.14-linux-x86_64-gnu"},
		{lin(cpy(0, "rc1")), "cpython-3.14-linux-x86_64-gnu"},
		{lin(entry("cpython", 3, 14, 6, "", "freethreaded")), "cpython-3.14+freethreaded-linux-x86_64-gnu"},
		{lin(entry("cpython", 3, 13, 1, "", "freethreaded+debug")), "cpython-3.13+freethreaded+debug-linux-x86_64-gnu"},
		{lin(entry("pypy", 3, 11, 13, "", "")), "pypy-3.11-linux-x86_64-gnu"},
		{odd, "cpython-3.14-linux-x86_64-gnu"},
		{catalog.Entry{Key: "cpython-3.12.1-linux-x86_64_v3-gnu", Name: "cpython", Major: 3, Minor: 12, Patch: 1}, "cpython-3.12-linux-x86_64_v3-gnu"},
	}
	for _, tt := range tests {
		if got := MinorLinkName(tt.e); got != tt.want {
			t.Errorf("MinorLinkName(%s) = %s, want %s", tt.e.Key, got, tt.want)
		}
	}
}

func TestNewer(t *testing.T) {
	// In ascending order.
	order := []catalog.Entry{
		cpy(5, ""), cpy(6, "a1"), cpy(6, "a2"), cpy(6, "b1"), cpy(6, "rc1"), cpy(6, "rc2"), cpy(6, ""), cpy(10, "a1"), cpy(10, ""),
	}
	for i := range order {
		for j := range order {
			if got, want := Newer(order[i], order[j]), i > j; got != want {
				t.Errorf("Newer(%s, %s) = %v, want %v", order[i].Version(), order[j].Version(), got, want)
			}
		}
	}
}

func TestOnPATH(t *testing.T) {
	sep := string(filepath.ListSeparator)
	tests := []struct {
		dir, path string
		want      bool
	}{
		{"/home/u/.local/bin", "/usr/bin" + sep + "/home/u/.local/bin", true},
		{"/home/u/.local/bin", "/usr/bin" + sep + "/home/u/.local/bin/", true},
		{"/home/u/.local/bin/", "/home/u/./.local/bin", true},
		{"/home/u/.local/bin", "/usr/bin" + sep + "/home/u/.local", false},
		{"/home/u/.local/bin", "", false},
		{"/home/u/.local/bin", "/home/u/.local/bin2", false},
		{"", "/usr/bin", false},
	}
	for _, tt := range tests {
		if got := onPath(tt.dir, tt.path); got != tt.want {
			t.Errorf("onPath(%q, %q) = %v, want %v", tt.dir, tt.path, got, tt.want)
		}
	}
	l := Layout{BinDir: t.TempDir()}
	l.PathEnv = "/nonexistent" + sep + l.BinDir
	if !l.OnPATH() {
		t.Error("OnPATH false with BinDir on PATH")
	}
	// The environment is the caller's to read, not the store's.
	t.Setenv("PATH", l.PathEnv)
	l.PathEnv = "/nonexistent"
	if l.OnPATH() {
		t.Error("OnPATH true with BinDir not on PATH")
	}
}

func TestExecutables(t *testing.T) {
	win := cpy(6, "")
	win.OS, win.Libc = "windows", "none"
	winFT := entry("cpython", 3, 14, 6, "", "freethreaded")
	winFT.OS, winFT.Libc = "windows", "none"
	tests := []struct {
		name    string
		e       catalog.Entry
		files   []string
		def     bool
		want    []string
		wantRel string
	}{
		{"cpython", lin(cpy(6, "")), []string{"bin/python3.14", "bin/python3"}, false, []string{"python3.14"}, "bin/python3.14"},
		{"cpython default", lin(cpy(6, "")), []string{"bin/python3.14", "bin/python3"}, true, []string{"python3.14", "python3", "python"}, "bin/python3.14"},
		{"freethreaded", lin(entry("cpython", 3, 14, 6, "", "freethreaded")), []string{"bin/python3.14t", "bin/python3"}, false, []string{"python3.14t"}, "bin/python3.14t"},
		// As with uv: a free-threaded default is python3t and pythont.
		{"freethreaded default", lin(entry("cpython", 3, 14, 6, "", "freethreaded")), []string{"bin/python3.14t", "bin/python3"}, true, []string{"python3.14t", "python3t", "pythont"}, "bin/python3.14t"},
		{"freethreaded debug default", lin(entry("cpython", 3, 14, 6, "", "freethreaded+debug")), []string{"bin/python3.14td", "bin/python3.14t"}, true, []string{"python3.14td", "python3t", "pythont"}, "bin/python3.14td"},
		{"debug with d", lin(entry("cpython", 3, 14, 6, "", "debug")), []string{"bin/python3.14d", "bin/python3.14"}, false, []string{"python3.14d"}, "bin/python3.14d"},
		{"debug without d", lin(entry("cpython", 3, 14, 6, "", "debug")), []string{"bin/python3.14"}, false, []string{"python3.14"}, "bin/python3.14"},
		{"only python3", lin(cpy(6, "")), []string{"bin/python3"}, false, []string{"python3.14"}, "bin/python3"},
		{"pypy", lin(entry("pypy", 3, 11, 13, "", "")), []string{"bin/pypy3.11", "bin/pypy3", "bin/python3.11"}, true, []string{"pypy3.11", "python3", "python"}, "bin/pypy3.11"},
		{"graalpy", lin(entry("graalpy", 3, 11, 0, "", "")), []string{"bin/graalpy", "bin/python"}, false, []string{"graalpy"}, "bin/graalpy"},
		{"windows", win, []string{"python.exe", "pythonw.exe"}, true, []string{"python3.14", "python3", "python"}, "python.exe"},
		{"windows freethreaded", winFT, []string{"python.exe", "python3.14t.exe"}, false, []string{"python3.14t"}, "python3.14t.exe"},
		{"windows freethreaded default", winFT, []string{"python.exe", "python3.14t.exe"}, true, []string{"python3.14t", "python3t", "pythont"}, "python3.14t.exe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				writeFile(t, filepath.Join(dir, f), "x", 0o755)
			}
			exes, err := Executables(tt.e, dir, tt.def)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, x := range exes {
				names = append(names, x.Name)
				if x.Rel != tt.wantRel {
					t.Errorf("%s runs %s, want %s", x.Name, x.Rel, tt.wantRel)
				}
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("names %v, want %v", names, tt.want)
			}
		})
	}
	if _, err := Executables(lin(cpy(6, "")), t.TempDir(), false); err == nil {
		t.Error("empty tree: want an error")
	}
}
