package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestChainSplitsLayers(t *testing.T) {
	base := errors.New("connection reset by peer")
	err := failed("Failed to install cpython-3.14.6-linux-x86_64-gnu",
		fmt.Errorf("fetching https://example.org/a.tar.gz: %w", fmt.Errorf("attempt 3: %w", base)))
	got := chain(err)
	want := []string{
		"Failed to install cpython-3.14.6-linux-x86_64-gnu",
		"fetching https://example.org/a.tar.gz",
		"attempt 3",
		"connection reset by peer",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("chain = %q, want %q", got, want)
	}

	var buf bytes.Buffer
	printError(&buf, withHint(err, "try again"), false)
	out := buf.String()
	for _, line := range []string{
		"error: Failed to install cpython-3.14.6-linux-x86_64-gnu\n",
		"  Caused by: fetching https://example.org/a.tar.gz\n",
		"  Caused by: connection reset by peer\n",
		"hint: try again\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

func TestChainKeepsRewrittenCause(t *testing.T) {
	// A layer whose text does not end in its cause's text is kept whole.
	err := fmt.Errorf("open failed (%w)", fs.ErrNotExist)
	if got := chain(err); len(got) != 1 || got[0] != err.Error() {
		t.Fatalf("chain = %q", got)
	}
	joined := errors.Join(errors.New("mirror a: 404"), errors.New("mirror b: reset"))
	if got := chain(fmt.Errorf("all mirrors failed: %w", joined)); len(got) != 3 {
		t.Fatalf("chain of a join = %q", got)
	}
}

// privateDirs points the install, bin and cache dirs into a temp dir.
func privateDirs(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PYGET_INSTALL_DIR", filepath.Join(dir, "i"))
	t.Setenv("PYGET_BIN_DIR", filepath.Join(dir, "b"))
	t.Setenv("PYGET_CACHE_DIR", filepath.Join(dir, "c"))
}

func TestExitCodes(t *testing.T) {
	privateDirs(t)
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"dir"}, exitOK},
		{[]string{"find", "3.13tt"}, exitUsage},
		{[]string{"install", "--bogus"}, exitUsage},
		{[]string{"find", "3.13"}, exitFailure},
		{[]string{"uninstall"}, exitUsage},
		{[]string{"list", "--output-format", "xml"}, exitUsage},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"frobnicate", "--bogus"}, exitUsage},
		{[]string{"instal", "3.13"}, exitUsage},
		{[]string{}, exitOK},
		{[]string{"help"}, exitOK},
		{[]string{"find", "3.13", "3.14"}, exitUsage},
		{[]string{"dir", "extra"}, exitUsage},
		{[]string{"install", "3.13", "--mirror", "ftp://example.org/x"}, exitUsage},
		{[]string{"list", "--arch", "sparc64"}, exitUsage},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if got := run(context.Background(), c.args, &out, &errb); got != c.want {
			t.Errorf("pyget %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), got, c.want, errb.String())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := exitCode(fmt.Errorf("x: %w", ctx.Err())); got != exitInterrupted {
		t.Errorf("cancelled: exit %d, want %d", got, exitInterrupted)
	}
}

// An unknown command is a usage error told by its kind, not its text, and
// keeps cobra's suggestions.
func TestUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if got := run(context.Background(), []string{"instal", "3.13"}, &out, &errb); got != exitUsage {
		t.Fatalf("exit %d, want %d", got, exitUsage)
	}
	for _, want := range []string{`error: unknown command "instal" for "pyget"`, "Did you mean this?", "\tinstall"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if err := unknownCommand(nil, nil); err != nil {
		t.Errorf("no arguments: %v", err)
	}
}

// A bad environment value is a usage error (exit 2) for every command that
// reads the settings, and the message names the variable and the form.
func TestBadEnvironmentIsUsageError(t *testing.T) {
	privateDirs(t)
	for _, c := range []struct{ name, value, want string }{
		{"PYGET_OFFLINE", "maybe", "1, true, yes or on"},
		{"PYGET_NO_PROGRESS", "2", "1, true, yes or on"},
		{"PYGET_LOCK_TIMEOUT", "10m", "seconds from 0 to"},
		{"PYGET_HTTP_TIMEOUT", "0", "seconds above 0 to"},
		{"PYGET_HTTP_RETRIES", "-1", "a whole number from 0 to"},
		{"PYGET_ARCH", "sparc64", "accepted:"},
		{"PYGET_ATTESTATIONS", "strict", "auto, require or off"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(c.name, c.value)
			for _, args := range [][]string{{"dir"}, {"list", "--only-installed"}, {"find", "3.13"}, {"uninstall", "--all"}} {
				var out, errb bytes.Buffer
				got := run(context.Background(), args, &out, &errb)
				if got != exitUsage || !strings.Contains(errb.String(), "invalid "+c.name) || !strings.Contains(errb.String(), c.want) {
					t.Errorf("%s=%s pyget %s: exit %d, stderr %q; want exit %d naming %s and %q",
						c.name, c.value, strings.Join(args, " "), got, errb.String(), exitUsage, c.name, c.want)
				}
			}
		})
	}
}
