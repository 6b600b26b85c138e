package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/store"
)

// Commands placed as .cmd shims (no pyget-shim.exe found) get one warning
// per run, naming the template; trampolines and links get none.
func TestWarnShimsOncePerRun(t *testing.T) {
	outcome := func(links ...string) pipeline.Outcome {
		return pipeline.Outcome{Links: store.LinkReport{Links: links}}
	}
	var stderr bytes.Buffer
	a := &app{stdout: &bytes.Buffer{}, stderr: &stderr}
	a.warnShims([]pipeline.Outcome{
		outcome(`C:\bin\python3.14.cmd`, `C:\bin\python3.cmd`),
		outcome(`C:\bin\python3.13.CMD`),
	})
	if n := strings.Count(stderr.String(), "warning:"); n != 1 {
		t.Errorf("%d warnings, want 1: %q", n, stderr.String())
	}
	for _, want := range []string{".cmd shims", "pyget-shim.exe", "&, |, %VAR% and ^"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("warning %q lacks %q", stderr.String(), want)
		}
	}
	stderr.Reset()
	a.warnShims([]pipeline.Outcome{outcome(`C:\bin\python3.14.exe`), outcome("/home/u/.local/bin/python3.14")})
	if stderr.Len() != 0 {
		t.Errorf("warning without .cmd shims: %q", stderr.String())
	}
}
