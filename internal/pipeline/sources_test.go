package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/pyrequest"
)

func writeSourceFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestProjectDefaultsOrder: the nearest .python-version, else the nearest
// project's requires-python, else the global pin; a project without
// requires-python ends the search for one.
func TestProjectDefaultsOrder(t *testing.T) {
	root := t.TempDir()
	global := filepath.Join(root, "config", pyrequest.PinFile)
	writeSourceFile(t, global, "3.10\n")
	proj := filepath.Join(root, "proj")
	writeSourceFile(t, filepath.Join(proj, pyrequest.ProjectFile), "[project]\nrequires-python = \">=3.12\"\n")

	check := func(dir, wantReq, wantFrom string) {
		t.Helper()
		res := Resolver{Defaults: ProjectDefaults(dir, global)}
		q, err := res.Requests(nil, "default")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(q.Args, " ") != wantReq || q.From != wantFrom || q.Default {
			t.Fatalf("in %s: %q from %q, want %q from %q", dir, q.Args, q.From, wantReq, wantFrom)
		}
	}
	// requires-python beats the global pin.
	check(proj, ">=3.12", filepath.Join(proj, pyrequest.ProjectFile)+":2 (requires-python)")
	// Outside the project: the global pin.
	check(root, "3.10", global)
	// A .python-version wins, in the project or above it.
	writeSourceFile(t, filepath.Join(root, pyrequest.PinFile), "3.11\n")
	check(proj, "3.11", filepath.Join(root, pyrequest.PinFile))
	// A pyproject.toml without [project] is not the project; one with
	// [project] but no requires-python ends the search.
	if err := os.Remove(filepath.Join(root, pyrequest.PinFile)); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(proj, "sub")
	writeSourceFile(t, filepath.Join(sub, pyrequest.ProjectFile), "[tool.black]\nline-length = 100\n")
	check(sub, ">=3.12", filepath.Join(proj, pyrequest.ProjectFile)+":2 (requires-python)")
	writeSourceFile(t, filepath.Join(sub, pyrequest.ProjectFile), "[project]\nname = \"inner\"\n")
	check(sub, "3.10", global)

	// No file at all: the fallback.
	empty := t.TempDir()
	res := Resolver{Defaults: ProjectDefaults(empty, filepath.Join(empty, "none"))}
	if q, err := res.Requests(nil, "default"); err != nil || !q.Default || strings.Join(q.Args, " ") != "default" {
		t.Fatalf("no file: %+v, %v", q, err)
	}
}

// TestProjectDefaultsMalformed: a malformed requires-python stops the
// search with an error naming file and line, rather than falling through
// to the global pin.
func TestProjectDefaultsMalformed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, pyrequest.ProjectFile)
	writeSourceFile(t, path, "[project]\nrequires-python = \"3.11\"\n")
	global := filepath.Join(dir, "global", pyrequest.PinFile)
	writeSourceFile(t, global, "3.10\n")
	_, _, err := ProjectDefaults(dir, global).DefaultRequests()
	var rpe *pyrequest.RequiresPythonError
	if !errors.As(err, &rpe) || !strings.Contains(err.Error(), path+":2:") {
		t.Fatalf("error %v, want a RequiresPythonError naming %s:2", err, path)
	}
}

// TestResolverImplReleases: PYGET_PYPY_BUILD and PYGET_GRAALPY_BUILD
// (PyPyRelease, GraalPyRelease) restrict their implementation's downloads
// to one release, as Release does CPython's, and leave the others alone.
func TestResolverImplReleases(t *testing.T) {
	p314, _ := testEntries()
	pypy := func(patch int, build string) catalog.Entry {
		e := patchOf(p314, patch, "")
		e.Name, e.Build = "pypy", build
		e.Key = fmt.Sprintf("pypy-3.14.%d-linux-x86_64-gnu", patch)
		return e
	}
	older, newer := pypy(5, "7.3.19"), pypy(6, "7.3.20")
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p314, older, newer}}, Platform: linux, Offline: true, PyPyRelease: "7.3.19", GraalPyRelease: "25.0.0"}
	if e, err := res.Download(context.Background(), mustParse(t, "pypy@3.14")); err != nil || e.Key != older.Key {
		t.Errorf("pypy@3.14 with PyPyRelease 7.3.19: %s, %v; want %s", e.Key, err, older.Key)
	}
	if e, err := res.Download(context.Background(), mustParse(t, "3.14")); err != nil || e.Key != p314.Key {
		t.Errorf("3.14: %s, %v; want CPython untouched", e.Key, err)
	}
	res = &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p314, older, newer}}, Platform: linux, Offline: true}
	if e, err := res.Download(context.Background(), mustParse(t, "pypy@3.14")); err != nil || e.Key != newer.Key {
		t.Errorf("pypy@3.14 without a release: %s, %v; want %s", e.Key, err, newer.Key)
	}
}
