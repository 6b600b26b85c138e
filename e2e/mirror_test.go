package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
)

// TestStaticMirror builds a mirror folder with `pyget mirror` from an
// upstream, stops the upstream, serves the folder with nginx under a path
// prefix, and installs from it with nothing but PYGET_MIRROR and
// PYGET_DOWNLOADS_JSON; then from the same folder over file://.
func TestStaticMirror(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	upstream := newFaultServer(t, faultserver.HTTP1, a)
	builder := newEnv(t, "catalog.json")

	www := filepath.Join(builder.root, "www")
	dir := filepath.Join(www, "python")
	mirrorArgs := []string{"mirror", dir, "3.14", "--platform", "linux-x86_64-gnu",
		"--mirror", upstream.URL, "--downloads-json", builder.catalog}
	r := builder.mustPyget(mirrorArgs...)
	if !strings.Contains(r.stderr, "1 downloaded, 0 repaired, 0 already there; 1 build in") {
		t.Fatalf("unexpected summary\n%s", r)
	}

	// The layout: the asset under its release tag with '+' unescaped, its
	// SHA256SUMS line, and a catalog of exactly that build, upstream URL kept.
	got, err := os.ReadFile(filepath.Join(dir, buildTag, a.Name))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != a.SHA256 {
		t.Fatalf("the mirrored archive does not match the catalog's sha256")
	}
	sums, _ := os.ReadFile(filepath.Join(dir, buildTag, "SHA256SUMS"))
	if string(sums) != a.SHA256+"  "+a.Name+"\n" {
		t.Fatalf("SHA256SUMS = %q", sums)
	}
	meta, err := os.ReadFile(filepath.Join(dir, "download-metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := catalog.Parse("download-metadata.json", meta)
	if err != nil || len(c.Entries) != 1 || c.Entries[0].Key != a.Key || c.Entries[0].URL != a.URL {
		t.Fatalf("mirror catalog: %v %+v", err, c)
	}

	// A second run fetches nothing; --check verifies.
	before := len(upstream.Requests())
	r = builder.mustPyget(mirrorArgs...)
	if n := len(upstream.Requests()) - before; n != 0 || !strings.Contains(r.stderr, "0 downloaded, 0 repaired, 1 already there") {
		t.Fatalf("second run made %d requests\n%s", n, r)
	}
	builder.mustPyget("mirror", dir, "--check")
	upstream.Close()

	// Served by nginx under /python, the upstream gone.
	if err := os.WriteFile(filepath.Join(www, "catalog.json"), []byte("{}"), 0o644); err != nil { // nginx's readiness probe
		t.Fatal(err)
	}
	s := startNginx(t, www)
	client := newEnv(t, "catalog.json")
	client.set("SSL_CERT_FILE="+s.CAFile,
		"PYGET_MIRROR="+s.URL+"/python",
		"PYGET_DOWNLOADS_JSON="+s.URL+"/python/download-metadata.json")
	r = client.mustPyget("install", "3.14")
	checkSummary(t, r)
	exe := client.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after installing from the static mirror")
	}
	client.mustRun(exe)
	if got := s.assetLog(t, a.Name, bytesAtLeast(a.Size)); len(got) == 0 || !strings.HasPrefix(got[0].URI, "/python/"+buildTag+"/") {
		t.Fatalf("nginx did not serve the asset from the mirror folder: %+v", got)
	}

	// The same folder over file://.
	local := newEnv(t, "catalog.json")
	local.set("PYGET_MIRROR=file://"+dir, "PYGET_DOWNLOADS_JSON="+filepath.Join(dir, "download-metadata.json"))
	r = local.mustPyget("install", "3.14")
	checkSummary(t, r)
	if exe := local.find(); exe == "" {
		t.Fatal("find 3.14 exits 1 after installing over file://")
	} else {
		local.mustRun(exe)
	}

	// Damage is found by --check (exit 1) and repaired by a normal run. The
	// archive is written over in place, which also damages the builder's
	// download cache (the mirror hard-links it when it can): the repair sees
	// that and fetches it again.
	if err := os.WriteFile(filepath.Join(dir, buildTag, a.Name), []byte("rot"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = builder.pyget("mirror", dir, "--check")
	if r.code != 1 || !strings.Contains(r.stdout, a.Name+": damaged") {
		t.Fatalf("--check on a damaged mirror: want exit 1 naming the archive\n%s", r)
	}
	upstream = newFaultServer(t, faultserver.HTTP1, a)
	mirrorArgs[len(mirrorArgs)-3] = upstream.URL
	r = builder.mustPyget(mirrorArgs...)
	if !strings.Contains(r.stderr, "0 downloaded, 1 repaired, 0 already there") {
		t.Fatalf("no repair\n%s", r)
	}
	builder.mustPyget("mirror", dir, "--check")
}
