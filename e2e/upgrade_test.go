package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// twoPatches is the fixture listed as two patches of 3.14: the same archive
// under its own key and version and under 3.14.5's. The interpreter says
// 3.14.6 either way, so the tests tell the patches apart by build folder.
type twoPatches struct {
	older, newer string // keys
	olderOnly    string // a catalog listing only the older patch
	both         string // a catalog listing both
}

func newTwoPatches(t *testing.T) twoPatches {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]map[string]any
	if err := json.Unmarshal(b, &c); err != nil || len(c) != 1 {
		t.Fatalf("catalog.json: %d entries, %v; want one", len(c), err)
	}
	var tp twoPatches
	var newer map[string]any
	for k, v := range c {
		tp.newer, newer = k, v
	}
	if !strings.Contains(tp.newer, "-"+pyVersion+"-") {
		t.Fatalf("fixture key %s is not %s's", tp.newer, pyVersion)
	}
	tp.older = strings.Replace(tp.newer, "-"+pyVersion+"-", "-3.14.5-", 1)
	older := maps.Clone(newer)
	older["patch"] = 5
	dir := t.TempDir()
	write := func(name string, cat map[string]map[string]any) string {
		data, err := json.MarshalIndent(cat, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tp.olderOnly = write("older.json", map[string]map[string]any{tp.older: older})
	tp.both = write("both.json", map[string]map[string]any{tp.older: older, tp.newer: newer})
	return tp
}

// makeVenv creates a virtual environment at dir with the interpreter python,
// as a user would; the fixture has no ensurepip.
func (e *env) makeVenv(t *testing.T, python, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-m", "venv", "--without-pip", dir)
	cmd.Env = e.environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("creating a venv: %v\n%s", err, out)
	}
}

// venvBuild runs the venv's python and returns the build folder (its name
// in the install dir) its sys.base_prefix resolves into.
func (e *env) venvBuild(venv string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(venv, "bin", "python"), "-c", "import sys, ssl, json; print(sys.base_prefix)")
	cmd.Env = e.environ()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("the venv's python does not run: %w: %s", err, stderr.String())
	}
	prefix := strings.TrimSpace(string(out))
	real, err := filepath.EvalSymlinks(prefix)
	if err != nil {
		return "", fmt.Errorf("sys.base_prefix %s: %w", prefix, err)
	}
	installDir, err := filepath.EvalSymlinks(e.installDir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(installDir, real)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("sys.base_prefix %s (%s) is not in the install dir %s", prefix, real, installDir)
	}
	return strings.Split(rel, string(filepath.Separator))[0], nil
}

func (e *env) mustVenvBuild(t *testing.T, venv, want string) {
	t.Helper()
	got, err := e.venvBuild(venv)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("the venv runs the build in %s, want %s", got, want)
	}
}

// minorLink is where the 3.14 minor-version link points ("" without one).
func (e *env) minorLink(t *testing.T) string {
	t.Helper()
	ents, err := os.ReadDir(e.installDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ents {
		if d.Type()&os.ModeSymlink != 0 && strings.HasPrefix(d.Name(), "cpython-3.14-") {
			s, err := os.Readlink(filepath.Join(e.installDir, d.Name()))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	return ""
}

// TestUpgradeMovesVenv: a venv made through python3.14 on the older patch
// runs the newer one after `pyget upgrade`, without being recreated; the
// older patch stays until `uninstall --outdated`, after which the venv still
// runs. An upgrade with nothing to do downloads nothing.
func TestUpgradeMovesVenv(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	tp := newTwoPatches(t)
	m := newSlowMirror(t, a, 1<<30)
	e := newEnv(t, "catalog.json")

	e.catalog = tp.olderOnly
	e.mustPyget(e.installArgs(m.URL, "3.14")...)
	if _, err := os.Stat(filepath.Join(e.installDir, tp.older)); err != nil {
		t.Fatalf("3.14 did not install as %s: %v", tp.older, err)
	}
	// One venv made through python3.14 in the bin dir, one through the
	// minor-version folder.
	venv, viaMinor := filepath.Join(e.root, "venv"), filepath.Join(e.root, "venv-minor")
	e.makeVenv(t, filepath.Join(e.binDir, "python3.14"), venv)
	minor := filepath.Join(e.installDir, strings.Replace(tp.older, "-3.14.5-", "-3.14-", 1))
	e.makeVenv(t, filepath.Join(minor, "bin", "python3.14"), viaMinor)
	e.mustVenvBuild(t, venv, tp.older)
	e.mustVenvBuild(t, viaMinor, tp.older)

	e.catalog = tp.both
	r := e.mustPyget("upgrade", "--dry-run", "--mirror", m.URL)
	if !strings.Contains(r.stderr, "Would upgrade Python 3.14.5 to "+pyVersion+" ("+tp.newer+")") {
		t.Fatalf("the dry run does not name the upgrade\n%s", r)
	}
	if _, err := os.Lstat(filepath.Join(e.installDir, tp.newer)); err == nil {
		t.Fatalf("the dry run installed %s", tp.newer)
	}
	e.mustVenvBuild(t, venv, tp.older)

	r = e.mustPyget("upgrade", "--mirror", m.URL)
	checkSummary(t, r)
	e.mustVenvBuild(t, venv, tp.newer)
	e.mustVenvBuild(t, viaMinor, tp.newer)
	if got := e.minorLink(t); got != tp.newer {
		t.Fatalf("the minor link points at %q after the upgrade, want %s", got, tp.newer)
	}
	if exe := e.find(); !strings.HasPrefix(exe, filepath.Join(e.installDir, tp.newer)+string(filepath.Separator)) {
		t.Fatalf("find 3.14 reports %q after the upgrade, want the new patch's", exe)
	}
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	if _, err := os.Stat(filepath.Join(e.installDir, tp.older)); err != nil {
		t.Fatalf("the previous patch is gone after the upgrade: %v", err)
	}

	requests := len(m.requestRanges())
	r = e.mustPyget("upgrade", "--mirror", m.URL)
	if !strings.Contains(r.stderr, "is already the newest patch ("+tp.newer+")") || strings.Contains(r.stderr, "Installed") {
		t.Fatalf("a second upgrade does not say it has nothing to do\n%s", r)
	}
	if n := len(m.requestRanges()) - requests; n != 0 {
		t.Fatalf("a second upgrade made %d requests to the mirror", n)
	}

	r = e.mustPyget("uninstall", "--outdated", "--dry-run")
	if !strings.Contains(r.stderr, " - "+tp.older) || strings.Contains(r.stderr, tp.newer) {
		t.Fatalf("uninstall --outdated --dry-run does not list only %s\n%s", tp.older, r)
	}
	if _, err := os.Stat(filepath.Join(e.installDir, tp.older)); err != nil {
		t.Fatalf("the dry run removed %s: %v", tp.older, err)
	}
	e.mustPyget("uninstall", "--outdated")
	if _, err := os.Lstat(filepath.Join(e.installDir, tp.older)); err == nil {
		t.Fatalf("%s is still there after uninstall --outdated", tp.older)
	}
	e.mustVenvBuild(t, venv, tp.newer)
	e.mustVenvBuild(t, viaMinor, tp.newer)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)
	e.checkNoDebris(t)
}

// TestKillUpgradeAtRandomMoments kills pyget with SIGKILL at random moments
// of an upgrade that downloads the new patch (through the paced mirror), of
// one from the archive cache (extracting, committing, linking), and of an
// `uninstall --outdated` (re-pointing the links, removing the old patch).
// After every kill, find, list and python3.14 report only interpreters that
// run, the minor link leads somewhere, and a venv made through python3.14
// runs on one of the two patches; then a last upgrade finishes the job.
func TestKillUpgradeAtRandomMoments(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	tp := newTwoPatches(t)
	paced := newSlowMirror(t, a, killRate)
	fast := newSlowMirror(t, a, 1<<30) // for setting up state quickly
	e := newEnv(t, "catalog.json")
	e.catalog = tp.both

	seed := killSeed(t)
	rng := mrand.New(mrand.NewPCG(seed, 11))
	t.Logf("seed %d (replay with PYGET_KILL_SEED=%d)", seed, seed)

	has := func(key string) bool {
		_, err := os.Stat(filepath.Join(e.installDir, key))
		return err == nil
	}
	// olderOnly: 3.14.5 installed and linked, 3.14.6 not installed. The
	// install also repairs links a kill left.
	olderOnly := func() {
		if has(tp.newer) {
			e.mustPyget("uninstall", tp.newer)
		}
		e.mustPyget(e.installArgs(fast.URL, tp.older)...)
	}
	clearCache := func() {
		for _, d := range []string{"archives", "downloads"} {
			if err := os.RemoveAll(filepath.Join(e.cacheDir, d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	ops := []*killOp{
		{
			name: "upgrade downloading", args: []string{"upgrade", "--mirror", paced.URL},
			setup:  func() { olderOnly(); clearCache() },
			window: segmentedWindow(a.Size), paced: true,
		},
		{name: "upgrade from the cache", args: []string{"upgrade", "--mirror", fast.URL}, setup: func() {
			olderOnly()
			if ents, _ := os.ReadDir(filepath.Join(e.cacheDir, "archives")); len(ents) == 0 {
				e.mustPyget(e.installArgs(fast.URL, "--reinstall", tp.older)...)
			}
		}},
		{name: "uninstall --outdated", args: []string{"uninstall", "--outdated"}, setup: func() {
			e.mustPyget(e.installArgs(fast.URL, tp.older, tp.newer)...)
		}},
	}

	olderOnly()
	venv := filepath.Join(e.root, "venv")
	e.makeVenv(t, filepath.Join(e.binDir, "python3.14"), venv)
	e.mustVenvBuild(t, venv, tp.older)

	e.killRandomly(t, rng, ops, 9, func(moment string) {
		e.checkNothingBroken(t, moment)
		// One patch or the other is always installed and linked.
		if e.find() == "" {
			t.Fatalf("after a kill (%s), find 3.14 finds nothing", moment)
		}
		link := filepath.Join(e.binDir, "python3.14")
		if _, err := e.runPython(link); err != nil {
			t.Fatalf("after a kill (%s), %s does not run: %v", moment, link, err)
		}
		if target := e.minorLink(t); target != tp.older && target != tp.newer || !has(target) {
			t.Fatalf("after a kill (%s), the minor link points at %q", moment, target)
		}
		build, err := e.venvBuild(venv)
		if err != nil {
			t.Fatalf("after a kill (%s): %v", moment, err)
		}
		if build != tp.older && build != tp.newer {
			t.Fatalf("after a kill (%s), the venv runs the build in %s", moment, build)
		}
	})

	// The next upgrade finishes what a killed one started.
	e.mustPyget("upgrade", "--mirror", fast.URL)
	e.mustVenvBuild(t, venv, tp.newer)
	if got := e.minorLink(t); got != tp.newer {
		t.Fatalf("the minor link points at %q after the last upgrade, want %s", got, tp.newer)
	}
	e.mustPyget("uninstall", "--outdated")
	if has(tp.older) {
		t.Fatalf("%s is still installed after uninstall --outdated", tp.older)
	}
	e.mustVenvBuild(t, venv, tp.newer)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)
	// A reinstall sweeps what the kills left, under the build's lock.
	e.mustPyget(e.installArgs(fast.URL, "--reinstall", tp.newer)...)
	e.checkNoDebris(t)
}
