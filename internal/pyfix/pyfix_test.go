package pyfix

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// prefixes are install prefixes a user may well have: plain, with spaces
// and non-ASCII letters, and one that itself contains /install and a quote.
var prefixes = []string{
	"/home/ci/.local/share/pyget/python/cpython-3.14.6-linux-x86_64-gnu",
	"/Users/Zoë Müller/Application Support/pyget/cpython-3.14.6-linux-x86_64-gnu",
	"/install/it's here/install/cpython-3.14.6-linux-x86_64-gnu",
}

// sysconfigValues decodes a sysconfig data module's plain string values
// (f-strings as written).
func sysconfigValues(t *testing.T, src string) map[string]string {
	t.Helper()
	toks, err := tokenizePython(src)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != 's' || src[toks[i+1].start] != ':' {
			continue
		}
		var v strings.Builder
		j := i + 2
		for ; j < len(toks) && toks[j].kind == 's'; j++ {
			if !toks[j].ok {
				t.Fatalf("value of %s does not decode: %s", toks[i].value, src[toks[j].start:toks[j].end])
			}
			v.WriteString(toks[j].value)
		}
		if j > i+2 {
			out[toks[i].value] = v.String()
		}
	}
	return out
}

// pythonValues has a real Python evaluate the module (python3 on PATH; the
// test is skipped without one) and returns its string values as JSON
// decodes them; an f-string value comes back evaluated with installed_base.
func pythonValues(t *testing.T, src string) map[string]string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH to evaluate the module with")
	}
	script := `import sys, json
ns = {"__file__": "/base/lib/python3.14/x.py"}
exec(sys.stdin.read(), ns)
json.dump({k: v for k, v in ns["build_time_vars"].items() if isinstance(v, str)}, sys.stdout, ensure_ascii=True)`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python cannot read the rewritten module: %v\n%s", err, stderr.String())
	}
	var m map[string]string
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFixSysconfigData(t *testing.T) {
	for _, file := range []string{"sysconfigdata-3.14.py", "sysconfigdata-pprint.py", "sysconfigdata-relocatable.py"} {
		for _, prefix := range prefixes {
			t.Run(file+"/"+prefix, func(t *testing.T) {
				t.Parallel() // each runs a python
				src := read(t, file)
				before := sysconfigValues(t, src)
				out, changed, err := fixSysconfigData(src, prefix)
				if err != nil {
					t.Fatal(err)
				}
				relocatable := strings.Contains(file, "relocatable")
				want := map[string]string{
					"CC":          "cc -pthread",
					"CXX":         "c++ -pthread",
					"LINKCC":      "cc -pthread -fno-pie -no-pie",
					"LDSHARED":    "cc -pthread -shared -Wl,-z,noexecstack  -Wl,--exclude-libs,ALL ",
					"BLDSHARED":   "cc -pthread -shared -Wl,-z,noexecstack  -Wl,--exclude-libs,ALL ",
					"LDCXXSHARED": "c++ -pthread -shared -Wl,-z,noexecstack  -Wl,--exclude-libs,ALL ",
					"AR":          "ar",
					// Unchanged: flags gcc takes; a record of the build.
					"CFLAGS":      before["CFLAGS"],
					"CCSHARED":    "-fPIC",
					"CONFIG_ARGS": before["CONFIG_ARGS"],
					// clang-only flags dropped.
					"CFLAGS_CEVAL":     "",
					"PY_CFLAGS_NODIST": "-fno-semantic-interposition -g -fno-pie -std=c11 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wstrict-prototypes -Werror=implicit-function-declaration -fvisibility=hidden -D_Py_TIER2=3 -D_Py_JIT -I./Include/internal -I./Include/internal/mimalloc",
				}
				base := "/base" // where the relocatable module finds itself
				if !relocatable {
					base = prefix
				}
				for k, v := range map[string]string{
					"prefix":    base,
					"INCLUDEPY": base + "/include/python3.14",
					"LIBDIR":    base + "/lib",
					"LIBPL":     base + "/lib/python3.14/config-3.14-x86_64-linux-gnu",
					"DESTDIRS":  base + " " + base + "/lib " + base + "/lib/python3.14 " + base + "/lib/python3.14/lib-dynload",
				} {
					want[k] = v
				}
				got := pythonValues(t, out)
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s = %q, want %q", k, got[k], v)
					}
				}
				for k, v := range got {
					if k != "CONFIG_ARGS" && (v == BuildPrefix || strings.Contains(v, " "+BuildPrefix+"/") || strings.HasPrefix(v, BuildPrefix+"/")) && !strings.Contains(prefix, BuildPrefix) {
						t.Errorf("%s still names the build prefix: %q", k, v)
					}
					if strings.HasPrefix(v, "clang") {
						t.Errorf("%s still runs clang: %q", k, v)
					}
				}
				// Only the changed values' lines differ: the rest is byte for byte.
				if n := diffLines(src, out); n > len(changed)*20 || len(changed) == 0 {
					t.Errorf("%d lines differ for %d changed values %v", n, len(changed), changed)
				}
				again, changedAgain, err := fixSysconfigData(out, prefix)
				if err != nil || again != out || len(changedAgain) != 0 {
					t.Errorf("a second run changed %v (err %v)", changedAgain, err)
				}
			})
		}
	}
}

func diffLines(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	set := map[string]int{}
	for _, l := range al {
		set[l]++
	}
	n := 0
	for _, l := range bl {
		if set[l] > 0 {
			set[l]--
			continue
		}
		n++
	}
	return n
}

func TestFixValue(t *testing.T) {
	p := "/opt/my python"
	for _, c := range []struct{ key, in, want string }{
		{"CC", "clang -pthread", "cc -pthread"},
		{"CXX", "clang++ -pthread", "c++ -pthread"},
		{"CC", "musl-clang -pthread", "cc -pthread"},
		{"CC", "/tools/host/bin/musl-clang -pthread", "cc -pthread"},
		{"CC", "/usr/local/bin/clang", "/usr/local/bin/clang"}, // not the build's toolchain
		{"CC", "/usr/bin/aarch64-linux-gnu-gcc -pthread", "cc -pthread"},
		{"CXX", "/usr/bin/aarch64-linux-gnu-g++", "c++"},
		{"CC", "gcc -pthread", "gcc -pthread"},
		{"CFLAGS", "clang -pthread", "clang -pthread"}, // not a compiler variable
		{"BLDSHARED", "clang -bundle -undefined dynamic_lookup -arch arm64 -isysroot /Applications/Xcode.app/SDKs/MacOSX14.2.sdk", "cc -bundle -undefined dynamic_lookup -arch arm64"},
		{"X", "-O3  -flto=thin  -g", "-O3  -g"},
		{"X", "-flto=thin -g", "-g"},
		{"X", "-flto -flto=auto", "-flto -flto=auto"},
		{"X", `-fprofile-instr-use="$(shell pwd)/code.profclangd"`, `-fprofile-instr-use="$(shell pwd)/code.profclangd"`},
		{"X", "-fprofile-instr-use=/build/code.profclangd -g", "-g"},
		{"CFLAGS_CEVAL", "-finline-max-stacksize=512", ""},
		{"prefix", "/install", p},
		{"LIBDIR", "/install/lib", p + "/lib"},
		{"X", "-I/install/include -L/install/lib", "-I" + p + "/include -L" + p + "/lib"},
		{"X", "'--prefix=/install'", "'--prefix=/install'"},
		{"X", "/installer/lib /install2", "/installer/lib /install2"},
		{"X", "/usr/bin/install -c", "/usr/bin/install -c"},
		{"AR", "/tools/llvm/bin/llvm-ar", "ar"},
		{"LLVM_PROFDATA", "/tools/llvm/bin/llvm-profdata", "/tools/llvm/bin/llvm-profdata"},
	} {
		got := fixValue(c.key, c.in, p)
		if got != c.want {
			t.Errorf("fixValue(%s, %q) = %q, want %q", c.key, c.in, got, c.want)
		}
		if again := fixValue(c.key, got, p); again != got {
			t.Errorf("fixValue(%s, %q) again = %q, want it unchanged", c.key, got, again)
		}
	}
}

// A prefix that itself contains the build prefix, at a word's start, must
// not be rewritten again.
func TestReplacePrefixIdempotent(t *testing.T) {
	for _, p := range []string{"/install/x", "/install dir/x", "/a /install/b", "/install"} {
		v := "/install /install/lib -I/install/include"
		once := replacePrefix(v, p)
		if twice := replacePrefix(once, p); twice != once {
			t.Errorf("prefix %q: %q then %q", p, once, twice)
		}
		if p != "/install" && !strings.HasPrefix(once, p+" "+p+"/lib") {
			t.Errorf("prefix %q: %q", p, once)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, v := range []string{"plain", "it's", `back\slash`, "Zoë", "tab\tnew\nline", "bad\xffbyte", `"both' quotes`} {
		for _, q := range []byte{'\'', '"'} {
			lit := quotePython(v, q)
			got, ok := unescapePython(lit[1 : len(lit)-1])
			if !ok || got != v {
				t.Errorf("python %q -> %s -> %q", v, lit, got)
			}
		}
		lit := quoteJSON(v)
		got, ok := unescapeJSON(lit[1 : len(lit)-1])
		if !ok || got != v {
			t.Errorf("json %q -> %s -> %q", v, lit, got)
		}
		var back string
		if utf8Valid(v) {
			if err := json.Unmarshal([]byte(lit), &back); err != nil || back != v {
				t.Errorf("encoding/json reads %s as %q (%v)", lit, back, err)
			}
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestFixJSON(t *testing.T) {
	p := prefixes[1]
	out, changed, err := fixJSON(read(t, "sysconfig-vars-3.14.json"), p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON any more: %v", err)
	}
	for k, v := range map[string]string{"CC": "cc -pthread", "AR": "ar", "INCLUDEPY": p + "/include/python3.14", "prefix": p, "CFLAGS_CEVAL": ""} {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
	if m["SIZEOF_LONG"] != float64(8) {
		t.Errorf("SIZEOF_LONG = %v", m["SIZEOF_LONG"])
	}
	if again, c, _ := fixJSON(out, p); again != out || len(c) != 0 {
		t.Errorf("a second run changed %v", c)
	}
	if len(changed) == 0 {
		t.Error("nothing reported changed")
	}

	// build-details.json: relative paths (as 3.14.6 ships them) stay.
	rel := read(t, "build-details-3.14.json")
	if out, c, _ := fixJSON(rel, p); out != rel || len(c) != 0 {
		t.Errorf("relative build-details.json changed: %v", c)
	}
	out, _, err = fixJSON(read(t, "build-details-absolute.json"), p)
	if err != nil {
		t.Fatal(err)
	}
	var bd struct {
		BasePrefix string `json:"base_prefix"`
		CAPI       struct {
			Headers string `json:"headers"`
		} `json:"c_api"`
	}
	if err := json.Unmarshal([]byte(out), &bd); err != nil || bd.BasePrefix != p || bd.CAPI.Headers != p+"/include/python3.14" {
		t.Errorf("build-details.json: %+v (%v)", bd, err)
	}
}

func TestFixMakefile(t *testing.T) {
	p := prefixes[1]
	src := read(t, "Makefile-3.14")
	out, changed := fixMakefile(src, p)
	lines := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		lines[l] = true
	}
	for _, want := range []string{"CC=\t\tcc -pthread", "CXX=\t\tc++ -pthread", "AR=\t\tar", "prefix=\t\t" + p,
		"LDSHARED=\t$(CC) -shared $(PY_LDFLAGS)", `PGO_PROF_USE_FLAG=-fprofile-instr-use="$(shell pwd)/code.profclangd"`} {
		if !lines[want] {
			t.Errorf("no line %q", want)
		}
	}
	if !strings.Contains(out, "'--prefix=/install'") {
		t.Error("CONFIG_ARGS changed")
	}
	if n := diffLines(src, out); n != len(changed) {
		t.Errorf("%d lines differ, %d variables changed (%v)", n, len(changed), changed)
	}
	if again, c := fixMakefile(out, p); again != out || len(c) != 0 {
		t.Errorf("a second run changed %v", c)
	}
	if out, _ := fixMakefile("prefix=\t/install\n", "/a$b"); out != "prefix=\t/a$$b\n" {
		t.Errorf("a $ in the prefix: %q", out)
	}
}

func TestFixPkgConfig(t *testing.T) {
	p := prefixes[0]
	src := read(t, "python-3.14.pc")
	out, changed := fixPkgConfig(src, p)
	if !strings.Contains(out, "\nprefix="+p+"\n") || !strings.Contains(out, "\nCflags: -I${includedir}/python3.14\n") || !strings.Contains(out, "\nexec_prefix=${prefix}\n") {
		t.Errorf("got\n%s", out)
	}
	if len(changed) != 2 {
		t.Errorf("changed %v, want prefix and Cflags", changed)
	}
	if again, c := fixPkgConfig(out, p); again != out || len(c) != 0 {
		t.Errorf("a second run changed %v", c)
	}
}

// The rewritten python3.14-config, run from where the install is, prints
// the install's include and library folders.
func TestFixPythonConfig(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("python3.X-config is a POSIX shell script of Unix builds")
	}
	src := read(t, "python3.14-config")
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	out, changed := fixPythonConfig(src, dir)
	if len(changed) != 1 || !strings.Contains(out, "\nprefix=\""+dir+"\"\n") {
		t.Fatalf("changed %v\n%s", changed, out)
	}
	if again, c := fixPythonConfig(out, dir); again != out || len(c) != 0 {
		t.Errorf("a second run changed %v", c)
	}
	spaced, c := fixPythonConfig(src, "/opt/my python")
	if !strings.Contains(spaced, "\nprefix_real=\"/opt/my python\"\n") || len(c) != 2 {
		t.Errorf("a prefix with a space: changed %v", c)
	}
	if kept, c := fixPythonConfig(src, "/opt/a#b"); kept != src || len(c) != 0 {
		t.Errorf("a prefix sed cannot take was written: %v", c)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "bin", "python3.14-config")
	if err := os.WriteFile(script, []byte(out), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := exec.Command(sh, script, "--includes", "--ldflags", "--prefix").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "-I" + dir + "/include/python3.14 -I" + dir + "/include/python3.14\n -L" + dir + "/lib"
	if !strings.HasPrefix(string(got), want) || !strings.HasSuffix(string(got), "\n"+dir+"\n") {
		t.Errorf("python3.14-config printed\n%s\nwant it to start with\n%s", got, want)
	}
}

// tree builds a staged tree with the fixture files where a python-build-
// standalone build has them.
func tree(t *testing.T, withFiles bool) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"bin/python3.14": "#!/bin/sh\n"}
	if withFiles {
		files["lib/python3.14/_sysconfigdata__linux_x86_64-linux-gnu.py"] = read(t, "sysconfigdata-3.14.py")
		files["lib/python3.14/_sysconfig_vars__linux_x86_64-linux-gnu.json"] = read(t, "sysconfig-vars-3.14.json")
		files["lib/python3.14/build-details.json"] = read(t, "build-details-3.14.json")
		files["lib/python3.14/config-3.14-x86_64-linux-gnu/Makefile"] = read(t, "Makefile-3.14")
		files["lib/pkgconfig/python-3.14.pc"] = read(t, "python-3.14.pc")
		files["bin/python3.14-config"] = read(t, "python3.14-config")
		files["lib/python3.14/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-314.pyc"] = "stale"
	} else {
		files["lib/python3.14/os.py"] = ""
	}
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, archiveTime, archiveTime); err != nil {
			t.Fatal(err)
		}
	}
	if withFiles {
		if err := os.Symlink("python3.14-config", filepath.Join(dir, "bin", "python3-config")); err != nil {
			if runtime.GOOS == "windows" {
				t.Skip("no symbolic links here:", err)
			}
			t.Fatal(err)
		}
	}
	return dir
}

var archiveTime = time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)

var cpython314 = Build{Implementation: "cpython", Major: 3, Minor: 14, OS: "linux"}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&os.ModeSymlink != 0 {
			l, err := os.Readlink(p)
			out[rel] = "-> " + l
			return err
		}
		b, err := os.ReadFile(p)
		fi, _ := d.Info()
		out[rel] = fi.Mode().String() + " " + string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestApply(t *testing.T) {
	dir := tree(t, true)
	prefix := prefixes[1]
	r, err := Apply(context.Background(), dir, prefix, cpython314, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range r.Files {
		paths = append(paths, f.Path)
	}
	want := "lib/python3.14/_sysconfigdata__linux_x86_64-linux-gnu.py lib/python3.14/_sysconfig_vars__linux_x86_64-linux-gnu.json lib/python3.14/config-3.14-x86_64-linux-gnu/Makefile lib/pkgconfig/python-3.14.pc bin/python3.14-config"
	if strings.Join(paths, " ") != want {
		t.Errorf("files %v, want %s", paths, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "lib/python3.14/__pycache__/_sysconfigdata__linux_x86_64-linux-gnu.cpython-314.pyc")); !os.IsNotExist(err) {
		t.Errorf("stale bytecode of the rewritten module stayed: %v", err)
	}
	if r.ExternallyManaged != "lib/python3.14/EXTERNALLY-MANAGED" {
		t.Errorf("marker %q", r.ExternallyManaged)
	}
	fi, err := os.Lstat(filepath.Join(dir, "bin/python3-config"))
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("python3-config is no longer a link: %v", err)
	}
	got, ok, err := ReadReport(dir)
	if err != nil || !ok || got.Prefix != prefix || len(got.Files) != len(r.Files) {
		t.Errorf("ReadReport: %+v %v %v", got, ok, err)
	}

	// A second run over the result, and a run over a fresh copy, leave the
	// same bytes, modes and times.
	// A rewritten file keeps its time, so bytecode compiled from it is the
	// same on every install.
	if fi, err := os.Stat(filepath.Join(dir, "lib/python3.14/_sysconfigdata__linux_x86_64-linux-gnu.py")); err != nil || !fi.ModTime().Equal(archiveTime) {
		t.Errorf("the rewritten module's time changed: %v", err)
	}
	first := snapshot(t, dir)
	if r2, err := Apply(context.Background(), dir, prefix, cpython314, Options{}); err != nil || len(r2.Files) != 0 {
		t.Errorf("second run: %v, files %v", err, r2.Files)
	}
	dir2 := tree(t, true)
	if _, err := Apply(context.Background(), dir2, prefix, cpython314, Options{}); err != nil {
		t.Fatal(err)
	}
	second := snapshot(t, dir2)
	for k, v := range first {
		if k == ReportName {
			continue // the second run's report lists no files
		}
		if second[k] != v {
			t.Errorf("%s differs between two trees fixed alike", k)
		}
	}
}

func TestApplyWithoutFiles(t *testing.T) {
	dir := tree(t, false)
	r, err := Apply(context.Background(), dir, "/opt/x", cpython314, Options{NoExternallyManaged: true})
	if err != nil || len(r.Files) != 0 || r.ExternallyManaged != "" {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "lib/python3.14", MarkerName)); !os.IsNotExist(err) {
		t.Errorf("marker written under NoExternallyManaged: %v", err)
	}
	// PyPy and GraalPy get no marker; an empty tree is fine.
	r, err = Apply(context.Background(), t.TempDir(), "/opt/x", Build{Implementation: "pypy", Major: 3, Minor: 11, OS: "linux"}, Options{})
	if err != nil || r.ExternallyManaged != "" {
		t.Fatalf("%+v %v", r, err)
	}
}

// A module the rewrite cannot read is left as it is, with a warning.
func TestApplyUnreadableModule(t *testing.T) {
	dir := tree(t, false)
	bad := filepath.Join(dir, "lib/python3.14/_sysconfigdata__linux.py")
	src := "build_time_vars = {'CC': 'clang\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Apply(context.Background(), dir, "/opt/x", cpython314, Options{})
	if err != nil || len(r.Warnings) != 1 {
		t.Fatalf("%v, warnings %q", err, r.Warnings)
	}
	if b, _ := os.ReadFile(bad); string(b) != src {
		t.Error("an unreadable module was changed")
	}
}

func TestMarker(t *testing.T) {
	text := markerText(cpython314)
	if !strings.HasPrefix(text, "[externally-managed]\nError=") || !strings.Contains(text, "python3.14 -m venv .venv") || !strings.Contains(text, "pyget") {
		t.Errorf("marker:\n%s", text)
	}
	for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n")[2:] {
		if !strings.HasPrefix(l, " ") {
			t.Errorf("line %d of the message is not indented, so configparser ends the value there: %q", i+2, l)
		}
	}
	if !strings.Contains(markerText(Build{Implementation: "cpython", Major: 3, Minor: 14, Freethreaded: true}), "python3.14t -m venv") {
		t.Error("free-threaded marker names the wrong command")
	}
	if py, err := exec.LookPath("python3"); err == nil {
		cmd := exec.Command(py, "-c", "import configparser,sys; c=configparser.ConfigParser(interpolation=None); c.read_string(sys.stdin.read()); print(c.get('externally-managed','Error'))")
		cmd.Stdin = strings.NewReader(text)
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "pyget install --reinstall") || !strings.Contains(string(out), "python3.14 -m venv .venv") {
			t.Errorf("configparser reads %q (%v)", out, err)
		}
	}
}
