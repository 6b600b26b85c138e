package main

// The attestation scripts' world: a virtual Sigstore (package
// provenancetest) whose trusted root the scripts trust through
// PYGET_SIGSTORE_TRUSTED_ROOT, bundles for the fake builds' archives, and a
// loopback stand-in for GitHub's attestations API at GITHUB_API_URL whose
// answer each script chooses (attestapi).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/snappy"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyget/pyget/internal/mirror"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/provenance/provenancetest"
)

// attestWorld is built once per test binary run: keys and bundles.
type attestWorld struct {
	root string // trusted_root.json
	// Bundles by the archive's sha256: good ones, one signed by another
	// repository's workflow, one whose subject is another archive.
	good, otherRepo, otherDigest map[string][]byte
	// relPaths maps a sha256 to its archive's path in the mirror.
	relPaths map[string]string
}

var sigstoreWorld *attestWorld

func newAttestWorld(t *testing.T) *attestWorld {
	f := provenancetest.NewFixture(t)
	w := &attestWorld{root: f.WriteRoot(provenancetest.RootOpts{}),
		good: map[string][]byte{}, otherRepo: map[string][]byte{}, otherDigest: map[string][]byte{}, relPaths: map[string]string{}}
	p := platform.Detect()
	for _, b := range fakeBuilds {
		name, key, data, err := fakeArchive(b, p)
		if err != nil {
			t.Fatal(err)
		}
		sha := fakeEntry(b, p, key, name, data).SHA256
		w.relPaths[sha] = b.build + "/" + name
		w.good[sha] = f.Bundle(provenancetest.Att{Statement: provenancetest.Statement(provenancetest.SLSAProvenanceV1, sha)})
		w.otherRepo[sha] = f.Bundle(provenancetest.Att{
			SAN:        "https://github.com/someone-else/python-build-standalone/.github/workflows/release.yml@refs/heads/main",
			SourceRepo: "https://github.com/someone-else/python-build-standalone",
			Statement:  provenancetest.Statement(provenancetest.SLSAProvenanceV1, sha)})
		w.otherDigest[sha] = f.Bundle(provenancetest.Att{Statement: provenancetest.Statement(provenancetest.SLSAProvenanceV1, provenancetest.DigestOf("another archive"))})
	}
	return w
}

// attestAPI is one script's stand-in for GitHub's attestations API.
type attestAPI struct {
	*httptest.Server
	mu    sync.Mutex
	mode  string
	paths []string // every request's path
	auth  []string // every request's Authorization
}

type attestAPIKey struct{}

const apiPrefix = "/repos/astral-sh/python-build-standalone/attestations/sha256:"

func newAttestAPI(w *attestWorld) *attestAPI {
	a := &attestAPI{mode: "404"}
	a.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.paths = append(a.paths, r.URL.Path)
		a.auth = append(a.auth, r.Header.Get("Authorization"))
		mode := a.mode
		a.mu.Unlock()
		if sha, ok := strings.CutPrefix(r.URL.Path, "/blobs/"); ok {
			// bundle_url's target: Snappy-compressed, as GitHub serves it.
			rw.Header().Set("Content-Type", "application/x-snappy")
			rw.Write(snappy.Encode(nil, w.good[sha]))
			return
		}
		sha, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
		if !ok {
			http.NotFound(rw, r)
			return
		}
		listing := func(items ...map[string]any) {
			rw.Header().Set("Content-Type", "application/json")
			json.NewEncoder(rw).Encode(map[string]any{"attestations": items})
		}
		bundles := map[string]map[string][]byte{"good": w.good, "other-repo": w.otherRepo, "other-digest": w.otherDigest}
		switch mode {
		case "good", "other-repo", "other-digest":
			b, ok := bundles[mode][sha]
			if !ok {
				http.NotFound(rw, r)
				return
			}
			listing(map[string]any{"bundle": json.RawMessage(b)})
		case "bundle-url":
			listing(map[string]any{"bundle": nil, "bundle_url": a.URL + "/blobs/" + sha})
		case "429":
			rw.Header().Set("Retry-After", "60")
			http.Error(rw, `{"message":"API rate limit exceeded"}`, http.StatusTooManyRequests)
		case "malformed":
			fmt.Fprint(rw, `{"attestations": [{"bundle": `)
		default: // "404"
			http.Error(rw, `{"message":"Not Found"}`, http.StatusNotFound)
		}
	}))
	return a
}

// setupAttest gives a script its API stand-in and the virtual Sigstore's
// root. PYGET_ATTESTATIONS stays off (setupScriptEnv) unless the script
// says otherwise.
func setupAttest(env *testscript.Env) {
	api := newAttestAPI(sigstoreWorld)
	env.Defer(api.Close)
	env.Values[attestAPIKey{}] = api
	env.Setenv("GITHUB_API_URL", api.URL)
	env.Setenv("ATTESTAPI", api.URL) // for scripts that change GITHUB_API_URL and back
	env.Setenv("GITHUB_TOKEN", "")
	env.Setenv("GH_TOKEN", "")
	env.Setenv("PYGET_SIGSTORE_TRUSTED_ROOT", sigstoreWorld.root)
}

// attestapi MODE: the stand-in answers good (the build's bundle inline),
// other-repo, other-digest (bundles that must fail), bundle-url (Snappy
// through bundle_url), 404, 429 (Retry-After: 60) or malformed.
// attestapi requests N: it has been asked exactly N times (API and blobs)
// since the start or attestapi reset.
// attestapi auth VALUE: its last request carried this Authorization.
func cmdAttestAPI(ts *testscript.TestScript, neg bool, args []string) {
	api := ts.Value(attestAPIKey{}).(*attestAPI)
	api.mu.Lock()
	defer api.mu.Unlock()
	switch {
	case len(args) == 1 && args[0] == "reset" && !neg:
		api.paths, api.auth = nil, nil
	case len(args) == 1 && !neg:
		api.mode = args[0]
	case len(args) == 2 && args[0] == "requests":
		got := fmt.Sprint(len(api.paths))
		if (got == args[1]) == neg {
			ts.Fatalf("the attestations API was asked %s times (want %s, negated: %v): %q", got, args[1], neg, api.paths)
		}
	case len(args) == 2 && args[0] == "auth" && !neg:
		if len(api.auth) == 0 || api.auth[len(api.auth)-1] != args[1] {
			ts.Fatalf("Authorization headers %q, want the last %q", api.auth, args[1])
		}
	default:
		ts.Fatalf("usage: attestapi MODE | attestapi requests N | attestapi auth VALUE")
	}
}

// mirrorbundle good|other-repo: the test mirror serves that bundle of every
// fake build beside its archive (<archive>.sigstore.json), as pyget mirror
// leaves them.
func cmdMirrorBundle(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mirrorbundle good|other-repo")
	}
	set := map[string]map[string][]byte{"good": sigstoreWorld.good, "other-repo": sigstoreWorld.otherRepo}[args[0]]
	if set == nil {
		ts.Fatalf("mirrorbundle %s: want good or other-repo", args[0])
	}
	srv := ts.Value(mirrorKey{}).(interface{ SetFile(string, []byte) })
	for sha, rel := range sigstoreWorld.relPaths {
		srv.SetFile("/"+rel+mirror.BundleSuffix, set[sha])
	}
}

// nohelper DIR: DIR holds pyget and no pyget-attest (a hard link or copy
// of this test binary), for PATH=DIR.
func cmdNoHelper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: nohelper DIR")
	}
	src, err := exec.LookPath("pyget") // testscript's bin dir, on this process's PATH
	ts.Check(err)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	dst := filepath.Join(dir, filepath.Base(src))
	if os.Link(src, dst) != nil {
		data, err := os.ReadFile(src)
		ts.Check(err)
		ts.Check(os.WriteFile(dst, data, 0o755))
	}
}
