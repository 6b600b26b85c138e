package archive

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// python-build-standalone's Windows builds: python.exe at the top of the
// tree beside its DLLs, Lib/ and DLLs/, no symlinks; install_only as
// .tar.gz, PyPy's and GraalPy's as .zip. Both extract on any OS, Windows
// included (no symlink privilege needed).
func TestWindowsLayouts(t *testing.T) {
	tree := []member{
		file("python.exe", "MZ python", 0o755),
		file("pythonw.exe", "MZ pythonw", 0o755),
		file("python314.dll", "MZ dll", 0o644),
		file("Lib/os.py", "import abc", 0o644),
		file("Lib/site-packages/README.txt", "site", 0o644),
		file("DLLs/_socket.pyd", "MZ pyd", 0o644),
		file("Scripts/pip.exe", "MZ pip", 0o755),
	}
	mode := func(m string) string {
		if runtime.GOOS == "windows" {
			return "----------" // listing drops modes there
		}
		return m
	}
	want := []string{
		"DLLs d", "DLLs/_socket.pyd f " + mode("-rw-r--r--") + " MZ pyd",
		"Lib d", "Lib/os.py f " + mode("-rw-r--r--") + " import abc",
		"Lib/site-packages d", "Lib/site-packages/README.txt f " + mode("-rw-r--r--") + " site",
		"Scripts d", "Scripts/pip.exe f " + mode("-rwxr-xr-x") + " MZ pip",
		"python.exe f " + mode("-rwxr-xr-x") + " MZ python",
		"python314.dll f " + mode("-rw-r--r--") + " MZ dll",
		"pythonw.exe f " + mode("-rwxr-xr-x") + " MZ pythonw",
	}
	check := func(t *testing.T, s sandbox) {
		t.Helper()
		if got := listing(t, s.dest); !slices.Equal(got, want) {
			t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		s.checkOutside(t)
	}
	for _, f := range []Format{TarGz, TarZst} {
		t.Run("install_only "+f.String(), func(t *testing.T) {
			s := newSandbox(t)
			must(t, extractBytes(t, f, compress(t, f, makeTar(t, join([]member{dir("python/")}, prefixed("python/", tree)))), s.dest, Limits{}))
			check(t, s)
		})
	}
	for name, top := range map[string]string{"pypy zip": "pypy3.11-v7.3.20-win64/", "graalpy zip": "graalpy-25.0.1-windows-amd64/"} {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			must(t, ExtractZip(context.Background(), makeZip(t, prefixed(top, tree)), s.dest, Limits{}))
			check(t, s)
		})
	}
}
