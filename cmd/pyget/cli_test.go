package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
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

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PYGET_INSTALL_DIR", filepath.Join(dir, "i"))
	t.Setenv("PYGET_BIN_DIR", filepath.Join(dir, "b"))
	t.Setenv("PYGET_CACHE_DIR", filepath.Join(dir, "c"))
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

func TestEntryFromArchiveName(t *testing.T) {
	cases := []struct {
		name string
		key  string
		err  bool
	}{
		{"cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz", "cpython-3.14.6-linux-x86_64-gnu", false},
		{"cpython-3.14.6%2B20260610-x86_64-unknown-linux-gnu-install_only.tar.gz", "cpython-3.14.6-linux-x86_64-gnu", false},
		{"cpython-3.13.0rc1+20240909-aarch64-apple-darwin-install_only.tar.gz", "cpython-3.13.0rc1-darwin-aarch64-none", false},
		{"cpython-3.13.3+20250409-x86_64_v3-unknown-linux-musl-freethreaded+pgo+lto-full.tar.zst", "cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", false},
		{"cpython-3.12.4+20240713-x86_64-pc-windows-msvc-debug-full.tar.zst", "cpython-3.12.4+debug-windows-x86_64-none", false},
		{"cpython-3.12.4+20240713-armv7-unknown-linux-gnueabihf-install_only.tar.gz", "cpython-3.12.4-linux-armv7-gnueabihf", false},
		{"python-3.12.tar.gz", "", true},
		{"cpython-3.12.4+20240713-sparc-sun-solaris-install_only.tar.gz", "", true},
	}
	for _, c := range cases {
		e, err := entryFromArchiveName(c.name)
		if (err != nil) != c.err {
			t.Errorf("%s: err = %v", c.name, err)
			continue
		}
		if !c.err && e.Key != c.key {
			t.Errorf("%s: key %q, want %q", c.name, e.Key, c.key)
		}
	}
}

func TestNewestPerMinor(t *testing.T) {
	mk := func(minor, patch int, pre, build string) catalog.Entry {
		e := catalog.Entry{Name: "cpython", Major: 3, Minor: minor, Patch: patch, Prerelease: pre, Build: build, OS: "linux", Libc: "gnu", Arch: catalog.Arch{Family: "x86_64"}}
		e.Key = entryKey(e)
		return e
	}
	got := newestPerMinor([]catalog.Entry{
		mk(13, 1, "", "1"), mk(13, 3, "", "1"), mk(13, 2, "", "9"),
		mk(14, 0, "rc1", "1"), mk(14, 0, "", "1"), mk(14, 0, "b2", "1"),
	})
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	want := "cpython-3.13.3-linux-x86_64-gnu cpython-3.14.0-linux-x86_64-gnu"
	if strings.Join(keys, " ") != want {
		t.Fatalf("newestPerMinor = %v, want %s", keys, want)
	}
}

func TestFindPinWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".python-version"), []byte("# comment\n3.13\n\npypy@3.10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reqs, path, err := findPin(deep)
	if err != nil || path != filepath.Join(root, ".python-version") || strings.Join(reqs, ",") != "3.13,pypy@3.10" {
		t.Fatalf("findPin = %q, %q, %v", reqs, path, err)
	}
}
