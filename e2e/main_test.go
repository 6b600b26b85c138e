// Package e2e installs a real CPython (python-build-standalone's layout, built
// by tools/fixture from go-embed-python) with the real pyget binary, through
// nginx and through the fault server, and runs the result.
//
//	go test -count=1 ./e2e/
//
// nginx is needed for some tests (apt-get install nginx-light); without it
// they fail with that hint.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Set by TestMain.
var (
	pygetBin   string // the freshly built binary
	pygetErr   error  // why pygetBin could not be built; tests needing it fail with it
	fixtureDir string // tools/fixture output: catalogs and 20260610/<assets>
	goBin      string
)

// The fixture's build; see tools/fixture.
const (
	pyVersion = "3.14.6"
	buildTag  = "20260610"
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if runtime.GOOS != "linux" {
		// The suite runs real Linux CPython builds and Debian's nginx;
		// under Wine the CLI's scripts (cmd/pyget) are the end-to-end
		// tests, against Windows-shaped builds.
		fmt.Fprintln(os.Stderr, "e2e: skipped: it runs real Linux CPython builds and nginx (on Windows, cmd/pyget's scripts are the end-to-end tests)")
		return 0
	}
	// Install modes are checked against the archive's; a stricter umask
	// inherited from the caller would make that check meaningless.
	setUmask(0o022)
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	goBin, err = exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go not on PATH:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "pyget-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	pygetBin = filepath.Join(tmp, "pyget")
	// The harness tests do not need pyget; the others fail with this error.
	if out, err := goCmd(root, "build", "-o", pygetBin, "./cmd/pyget"); err != nil {
		pygetErr = fmt.Errorf("building pyget: %w\n%s", err, out)
	}
	fixtureDir, err = buildFixture(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

func goCmd(dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

// buildFixture runs tools/fixture (a no-op when its stamp is present) and
// returns the directory it wrote.
func buildFixture(root string) (string, error) {
	dir := os.Getenv("PYGET_FIXTURE_DIR")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache dir for the fixture (set PYGET_FIXTURE_DIR): %w", err)
		}
		dir = filepath.Join(c, "pyget-fixture", pyVersion+"-"+buildTag)
	}
	out, err := goCmd(filepath.Join(root, "tools", "fixture"), "run", ".", "-q", "-out", dir)
	if err != nil {
		return "", fmt.Errorf("building the fixture: %w\n%s", err, out)
	}
	for _, f := range []string{".complete", "catalog.json", "catalog-full.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("fixture incomplete: %w", err)
		}
	}
	return dir, nil
}

// asset describes one archive of the fixture as its catalog names it.
type asset struct {
	Key    string
	Name   string // file name under fixtureDir/buildTag
	Path   string // absolute path on disk
	URL    string
	SHA256 string
	Size   int64
	Data   []byte
}

// loadAsset reads the single entry of a fixture catalog.
func loadAsset(t *testing.T, catalogName string) asset {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, catalogName))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]struct {
		URL    string `json:"url"`
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", catalogName, err)
	}
	if len(c) != 1 {
		t.Fatalf("%s: want one entry, got %d", catalogName, len(c))
	}
	for k, e := range c {
		name := strings.ReplaceAll(e.URL[strings.LastIndex(e.URL, "/")+1:], "%2B", "+")
		p := filepath.Join(fixtureDir, buildTag, name)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return asset{Key: k, Name: name, Path: p, URL: e.URL, SHA256: e.SHA256, Size: int64(len(data)), Data: data}
	}
	panic("unreachable")
}

// env is one test's private world: every directory pyget could touch is
// inside the test's temp dir.
type env struct {
	t          *testing.T
	root       string
	installDir string
	binDir     string
	cacheDir   string
	catalog    string
	extra      []string
}

func newEnv(t *testing.T, catalogName string) *env {
	t.Helper()
	if pygetErr != nil {
		t.Fatal(pygetErr)
	}
	root := t.TempDir()
	e := &env{
		t:          t,
		root:       root,
		installDir: filepath.Join(root, "python"),
		binDir:     filepath.Join(root, "bin"),
		cacheDir:   filepath.Join(root, "cache"),
		catalog:    filepath.Join(fixtureDir, catalogName),
	}
	for _, d := range []string{"home", "xdg/data", "xdg/config", "xdg/cache", "xdg/state", "xdg/bin"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// set adds or overrides an environment variable for later commands.
func (e *env) set(kv ...string) { e.extra = append(e.extra, kv...) }

func (e *env) environ() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "PYGET_"), strings.HasPrefix(k, "PYTHON"), strings.HasPrefix(k, "XDG_"),
			strings.HasPrefix(k, "SSL_CERT_"), k == "HOME",
			strings.EqualFold(k, "http_proxy"), strings.EqualFold(k, "https_proxy"),
			strings.EqualFold(k, "all_proxy"), strings.EqualFold(k, "no_proxy"):
			continue
		}
		out = append(out, kv)
	}
	out = append(out,
		"HOME="+filepath.Join(e.root, "home"),
		"XDG_DATA_HOME="+filepath.Join(e.root, "xdg/data"),
		"XDG_CONFIG_HOME="+filepath.Join(e.root, "xdg/config"),
		"XDG_CACHE_HOME="+filepath.Join(e.root, "xdg/cache"),
		"XDG_STATE_HOME="+filepath.Join(e.root, "xdg/state"),
		"XDG_BIN_HOME="+filepath.Join(e.root, "xdg/bin"),
		"PYGET_INSTALL_DIR="+e.installDir,
		"PYGET_BIN_DIR="+e.binDir,
		"PYGET_CACHE_DIR="+e.cacheDir,
		"PYGET_DOWNLOADS_JSON="+e.catalog,
		"PYGET_NO_PROGRESS=1",
		// The suite serves its builds from loopback only: no attestation
		// lookup at api.github.com (auto's default).
		"PYGET_ATTESTATIONS=off",
	)
	return append(out, e.extra...)
}

// result is a finished command.
type result struct {
	args   []string
	stdout string
	stderr string
	code   int
}

func (r result) String() string {
	return fmt.Sprintf("pyget %s: exit %d\n--- stdout:\n%s--- stderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// installArgs is `install` with the flags every test passes.
func (e *env) installArgs(mirror string, more ...string) []string {
	args := []string{"install", "--no-progress", "--downloads-json", e.catalog}
	if mirror != "" {
		args = append(args, "--mirror", mirror)
	}
	return append(args, more...)
}

// command prepares pyget with this env; the caller starts it.
func (e *env) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, pygetBin, args...)
	cmd.Env = e.environ()
	cmd.Dir = e.root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	return cmd, &stdout, &stderr
}

// pyget runs pyget to completion (3 minutes at most).
func (e *env) pyget(args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, stdout, stderr := e.command(ctx, args...)
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			e.t.Fatalf("pyget %s: %v", strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	if ctx.Err() != nil {
		e.t.Fatalf("pyget %s timed out\n%s", strings.Join(args, " "), r)
	}
	return r
}

// mustPyget runs pyget and fails the test unless it exits 0.
func (e *env) mustPyget(args ...string) result {
	e.t.Helper()
	r := e.pyget(args...)
	if r.code != 0 {
		e.t.Fatalf("want exit 0\n%s", r)
	}
	return r
}

// find returns the interpreter path pyget reports for 3.14, or "" with exit 1.
func (e *env) find() string {
	e.t.Helper()
	r := e.pyget("find", "3.14")
	switch r.code {
	case 0:
		p := strings.TrimSpace(r.stdout)
		if !filepath.IsAbs(p) || strings.Contains(p, "\n") {
			e.t.Fatalf("find printed %q, want one absolute path\n%s", p, r)
		}
		return p
	case 1:
		return ""
	}
	e.t.Fatalf("find: want exit 0 or 1\n%s", r)
	return ""
}

const probe = "import ssl, sqlite3, zlib, ctypes, sys; print(sys.version)"

// runPython runs the probe with an interpreter and returns sys.version, or an
// error describing why it did not run.
func (e *env) runPython(exe string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-c", probe)
	cmd.Env = e.environ()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: %w: %s", exe, err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// mustRun fails the test unless exe runs the probe and is 3.14.6.
func (e *env) mustRun(exe string) {
	e.t.Helper()
	v, err := e.runPython(exe)
	if err != nil {
		e.t.Fatalf("interpreter does not run: %v", err)
	}
	if !strings.HasPrefix(v, pyVersion+" ") {
		e.t.Fatalf("%s reports %q, want %s", exe, v, pyVersion)
	}
}

// checkSummary fails unless the install said it installed 3.14.6.
func checkSummary(t *testing.T, r result) {
	t.Helper()
	if !strings.Contains(r.stdout+r.stderr, "Installed Python "+pyVersion) {
		t.Fatalf("no %q in the output\n%s", "Installed Python "+pyVersion, r)
	}
}
