package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/provenance"
	"github.com/pyget/pyget/internal/store"
	"github.com/pyget/pyget/internal/testutil"
)

// mainCmd is the name under which TestMain runs main() itself (the binary's
// entry point, with its signal handling), not just run().
const mainCmd = "pyget-main"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pyget": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
		// The binary's own entry point, signal handling included.
		mainCmd: main,
		// The attestation verifier pyget runs (cmd/pyget-attest's main).
		"pyget-attest": func() { os.Exit(provenance.ServeHelper(os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script against a loopback
// mirror of synthetic builds whose "python" is a shell script that prints
// its version, so the scripts can check that what was linked runs.
func TestScripts(t *testing.T) {
	sigstoreWorld = newAttestWorld(t)
	testscript.Run(t, testscript.Params{
		Dir:   "testdata/script",
		Setup: setupScriptEnv,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"faults":   cmdFaults,
			"requests": cmdRequests,
			"waitsent": cmdWaitSent,
			"holdlock": cmdHoldLock,
			"unlock":   cmdUnlock,
			// attestation scripts (attest_test.go)
			"attestapi":    cmdAttestAPI,
			"mirrorbundle": cmdMirrorBundle,
			"nohelper":     cmdNoHelper,
			// a catalog host that never answers (blackhole_test.go)
			"blackhole":     cmdBlackhole,
			"blackholeseen": cmdBlackholeSeen,
			"rebuild":       cmdRebuild, // rebuild_test.go
		},
	})
}

type mirrorKey struct{}

// faults SCRIPT: the next requests to the mirror get these faults, in the
// fault server's script syntax (e.g. reset@64KiB,html,status503:retry=1).
func cmdFaults(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: faults SCRIPT")
	}
	faults, err := faultserver.ParseScript(args[0])
	ts.Check(err)
	ts.Value(mirrorKey{}).(*faultserver.Server).Script(faults...)
}

// heldLocks are the build locks holdlock took, by key, until unlock.
type heldLocks struct{}

// holdlock KEY: this test process takes the build's lock, as another pyget
// installing it would, until unlock KEY or the end of the script.
func cmdHoldLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: holdlock KEY")
	}
	l := store.Layout{InstallDir: ts.Getenv("PYGET_INSTALL_DIR"), BinDir: ts.Getenv("PYGET_BIN_DIR")}
	release, err := l.Lock(context.Background(), args[0], time.Second, nil)
	ts.Check(err)
	held := ts.Value(heldLocks{}).(map[string]func())
	held[args[0]] = release
	ts.Defer(func() {
		if r, ok := held[args[0]]; ok {
			delete(held, args[0])
			r()
		}
	})
}

// unlock KEY: release the lock holdlock KEY took.
func cmdUnlock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: unlock KEY")
	}
	held := ts.Value(heldLocks{}).(map[string]func())
	release, ok := held[args[0]]
	if !ok {
		ts.Fatalf("unlock %s: not held", args[0])
	}
	delete(held, args[0])
	release()
}

// requests N: the mirror has served exactly N requests so far.
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: requests N")
	}
	got := fmt.Sprint(len(ts.Value(mirrorKey{}).(*faultserver.Server).Requests()))
	if (got == args[0]) == neg {
		ts.Fatalf("mirror served %s requests (want %s, negated: %v)", got, args[0], neg)
	}
}

// waitsent SIZE: wait (a minute at most) until a response that got a
// scripted fault (see faults) has sent SIZE body bytes, e.g. up to its
// stall: that download is then running, holding its lock, whatever the
// machine's speed.
func cmdWaitSent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitsent SIZE")
	}
	n, err := faultserver.ParseSize(args[0])
	ts.Check(err)
	srv := ts.Value(mirrorKey{}).(*faultserver.Server)
	for deadline := time.Now().Add(time.Minute); ; {
		for _, r := range srv.Requests() {
			if r.Fault != faultserver.None && r.BytesSent >= n {
				return
			}
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no response reached %s in a minute: %v", args[0], srv.Requests())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeBuild describes one synthetic build served by the test mirror.
type fakeBuild struct {
	major, minor, patch int
	pre, variant, build string
	hostile             bool // archive with an entry escaping the tree
	badSHA              bool // catalog digest that does not match
	missing             bool // listed but not served (404)
	noSHA               bool // the catalog has a null sha256
}

var fakeBuilds = []fakeBuild{
	{major: 3, minor: 13, patch: 4, build: "20250612"},
	{major: 3, minor: 13, patch: 5, build: "20260610"},
	{major: 3, minor: 14, patch: 5, build: "20260510"},
	{major: 3, minor: 14, patch: 6, build: "20260610"},
	{major: 3, minor: 14, patch: 6, build: "20260610", variant: "freethreaded"},
	{major: 3, minor: 15, patch: 0, pre: "rc1", build: "20260814"},
	{major: 3, minor: 11, patch: 9, build: "20240814", hostile: true},
	{major: 3, minor: 10, patch: 14, build: "20240814", badSHA: true},
	{major: 3, minor: 9, patch: 19, build: "20240814", missing: true},
	{major: 3, minor: 8, patch: 20, build: "20241002", noSHA: true},
}

func setupScriptEnv(env *testscript.Env) error {
	work := env.WorkDir
	root := filepath.Join(work, ".mirror")
	p := platform.Detect()
	var entries []catalog.Entry
	for _, b := range fakeBuilds {
		name, key, data, err := fakeArchive(b, p)
		if err != nil {
			return err
		}
		e := fakeEntry(b, p, key, name, data)
		switch {
		case b.badSHA:
			e.SHA256 = strings.Repeat("ab", 32)
		case b.noSHA:
			e.SHA256 = "" // written as null
		}
		entries = append(entries, e)
		if !b.missing {
			dir := filepath.Join(root, b.build)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return err
			}
		}
		if b.major == 3 && b.minor == 13 && b.patch == 5 {
			env.Setenv("ASSET313", name)
		}
		if b.major == 3 && b.minor == 14 && b.patch == 6 && b.variant == "" {
			// A copy for the local-archive scripts.
			if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
				return err
			}
			env.Setenv("LOCALARCHIVE", filepath.Join(work, name))
			env.Setenv("ASSET314", name)
		}
	}
	// A build for another platform, listed but never served.
	entries = append(entries, catalog.Entry{
		Key: "cpython-3.14.6-linux-riscv64-gnu", Name: "cpython", Arch: catalog.Arch{Family: "riscv64"},
		OS: "linux", Libc: "gnu", Major: 3, Minor: 14, Patch: 6, Build: "20260610",
		URL:    fetch.UpstreamPrefix + "/20260610/cpython-3.14.6%2B20260610-riscv64-unknown-linux-gnu-install_only_stripped.tar.gz",
		SHA256: strings.Repeat("cd", 32),
	})
	catJSON, err := catalog.EncodeUV(entries)
	if err != nil {
		return err
	}
	// An entry the catalog parser must skip (with a warning under -v), which
	// EncodeUV cannot write: spliced in after the opening brace.
	bad := `{"cpython-3.7.17-` + p.OS + "-" + p.Arch + "-" + p.Libc + `": {"name": "cpython", "sha256": 42},`
	catJSON = append([]byte(bad), catJSON[1:]...)
	if err := os.WriteFile(filepath.Join(work, "catalog.json"), catJSON, 0o644); err != nil {
		return err
	}
	// The mirror is the fault server, so scripts can inject faults with the
	// `faults` command.
	files := map[string][]byte{}
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files["/"+filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		return err
	}
	srv := faultserver.New(faultserver.HTTP1, files)
	env.Defer(srv.Close)
	env.Values[mirrorKey{}] = srv
	env.Values[heldLocks{}] = map[string]func(){}

	home := filepath.Join(work, ".home")
	env.Setenv("HOME", home)
	env.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	env.Setenv("XDG_BIN_HOME", "")
	env.Setenv("PYGET_INSTALL_DIR", filepath.Join(work, "pythons"))
	env.Setenv("PYGET_BIN_DIR", filepath.Join(work, "bin"))
	env.Setenv("PYGET_CACHE_DIR", filepath.Join(work, "cache"))
	env.Setenv("PYGET_DOWNLOADS_JSON", filepath.Join(work, "catalog.json"))
	env.Setenv("PYGET_MIRROR", srv.URL)
	env.Setenv("PYGET_HTTP_RETRIES", "1")
	env.Setenv("PYGET_NO_PROGRESS", "1")
	// No PEP 514 entries from test installs in a Windows user's registry.
	env.Setenv("PYGET_NO_REGISTRY", "1")
	// No attestation lookup unless a script asks for one (then against
	// the loopback stand-in setupAttest starts).
	env.Setenv("PYGET_ATTESTATIONS", "off")
	setupAttest(env)
	env.Setenv("PLATFORM", p.String())
	env.Setenv("ARCH", p.Arch)
	env.Setenv("OSLIBC", p.OS+"-"+p.Arch+"-"+p.Libc)
	env.Setenv("MIRROR", srv.URL)
	return nil
}

// fakeEntry is b's catalog entry, whose archive is name holding data.
func fakeEntry(b fakeBuild, p platform.Platform, key, name string, data []byte) catalog.Entry {
	sum := sha256.Sum256(data)
	return catalog.Entry{
		Key: key, Name: "cpython", Arch: catalog.Arch{Family: p.Arch}, OS: p.OS, Libc: p.Libc,
		Major: b.major, Minor: b.minor, Patch: b.patch, Prerelease: b.pre, Variant: b.variant, Build: b.build,
		URL:    fetch.UpstreamPrefix + "/" + b.build + "/" + strings.ReplaceAll(name, "+", "%2B"),
		SHA256: hex.EncodeToString(sum[:]),
	}
}

// fakeArchive builds an install_only-style .tar.gz whose bin/python3.X is a
// shell script printing "Python X.Y.Z".
func fakeArchive(b fakeBuild, p platform.Platform) (name, key string, data []byte, err error) {
	version := fmt.Sprintf("%d.%d.%d%s", b.major, b.minor, b.patch, b.pre)
	keyVersion := version
	flavor := "install_only_stripped"
	if b.variant == "freethreaded" {
		keyVersion += "+freethreaded"
		flavor = "freethreaded-install_only_stripped"
	}
	triple := map[string]string{"linux": "unknown-linux-" + p.Libc, "darwin": "apple-darwin", "windows": "pc-windows-msvc"}[p.OS]
	name = fmt.Sprintf("cpython-%s+%s-%s-%s-%s.tar.gz", version, b.build, p.Arch, triple, flavor)
	key = fmt.Sprintf("cpython-%s-%s-%s-%s", keyVersion, p.OS, p.Arch, p.Libc)

	// A 192 KiB incompressible blob, so the archive is large enough for
	// faults to land in the middle of its body.
	fake := testutil.FakeCPython{Version: version, Freethreaded: b.variant == "freethreaded", Blob: 192 << 10}
	entries := fake.Entries()
	if b.hostile {
		entries = append(entries, testutil.File("python/../../escaped.txt", "gotcha\n", 0o644))
	}
	data, err = testutil.EncodeTarGz(entries)
	return name, key, data, err
}
