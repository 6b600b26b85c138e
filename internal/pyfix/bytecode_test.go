package pyfix

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A module that does not compile is a warning; the others are compiled,
// and the install goes on. Any python3 stands in for the build's own.
func TestCompileBytecodeWarnsPerModule(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH to compile with")
	}
	// The real executable, not a shim (pyenv's dispatch on their name).
	out, err := exec.Command(py, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatal(err)
	}
	py = strings.TrimSpace(string(out))
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib", "python3.14")
	files := map[string]string{
		"good.py":                  "X = 1\n",
		"pkg/__init__.py":          "",
		"pkg/broken.py":            "def f(:\n",
		"test/badsyntax_future.py": "from __future__ import nonsense\n", // left out, as CPython does
	}
	for rel, src := range files {
		p := filepath.Join(lib, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "windows" {
		t.Skip("the tree's interpreter is a link to python3")
	}
	if err := os.Symlink(py, filepath.Join(dir, "bin", "python3.14")); err != nil {
		t.Fatal(err)
	}
	b := Build{Implementation: "cpython", Major: 3, Minor: 14, OS: runtime.GOOS}
	r, err := Apply(context.Background(), dir, "/opt/py", b, Options{CompileBytecode: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Bytecode != "lib/python3.14" || r.BytecodeFailures != 1 {
		t.Fatalf("bytecode %q, %d failures; warnings %q", r.Bytecode, r.BytecodeFailures, r.Warnings)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "lib/python3.14/pkg/broken.py") {
		t.Errorf("warnings %q, want one naming pkg/broken.py", r.Warnings)
	}
	pycs, _ := filepath.Glob(filepath.Join(lib, "__pycache__", "good.*.pyc"))
	if len(pycs) != 1 {
		t.Fatalf("good.py not compiled: %v", pycs)
	}
	data, err := os.ReadFile(pycs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "/opt/py/lib/python3.14/good.py") || strings.Contains(string(data), dir) {
		t.Error("the bytecode does not name the install's path of its source")
	}
	if bad, _ := filepath.Glob(filepath.Join(lib, "test", "__pycache__", "*")); len(bad) != 0 {
		t.Errorf("tests meant not to compile were compiled: %v", bad)
	}

	// An interpreter that cannot run here is a warning too.
	os.Remove(filepath.Join(dir, "bin", "python3.14"))
	r, err = Apply(context.Background(), dir, "/opt/py", b, Options{CompileBytecode: true})
	if err != nil || r.Bytecode != "" || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "bytecode not compiled") {
		t.Errorf("without an interpreter: %v, %+v", err, r)
	}
}
