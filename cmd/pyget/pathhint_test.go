package main

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/shellpath"
	"github.com/pyget/pyget/internal/store"
)

// The hint for a bin dir not on PATH is a line the user's shell takes: on
// Windows no POSIX export (issue #24), which PowerShell and cmd reject.
func TestPathHintInThisOSsShell(t *testing.T) {
	var stderr bytes.Buffer
	a := &app{stdout: &bytes.Buffer{}, stderr: &stderr}
	dir := filepath.Join(t.TempDir(), "bin")
	a.warnPATH([]pipeline.Outcome{{Links: store.LinkReport{Links: []string{filepath.Join(dir, "python3.14")}}}})
	want := shellpath.SessionLine(runtime.GOOS, dir)
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("warning %q lacks %q", stderr.String(), want)
	}
	if runtime.GOOS == "windows" && strings.Contains(stderr.String(), "export PATH") {
		t.Errorf("warning on Windows gives a POSIX export: %q", stderr.String())
	}
}
