package provenance

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// silentTUF accepts connections and never answers, as a firewall that
// drops Sigstore's CDN after the handshake would.
func silentTUF(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		close(release)
		s.Close()
	})
	return s, &hits
}

// A TUF update that fails is remembered: the first run waits out its
// budget and falls back to the embedded root; the next runs (new
// processes, one cache) make no request to the TUF host at all until the
// memory runs out, and say why in the root's description.
func TestTUFFailureRemembered(t *testing.T) {
	srv, hits := silentTUF(t)
	cache := t.TempDir()
	now := time.Now()
	verifier := func(at time.Time) *Verifier {
		v, err := New(Config{CacheDir: cache, APIURL: "http://127.0.0.1:1", Now: func() time.Time { return at }})
		must(t, err)
		v.tufMirror = srv.URL
		v.tufTimeout = 300 * time.Millisecond
		return v
	}
	raw, err := os.ReadFile(genuineBundle)
	must(t, err)

	v := verifier(now)
	_, err = v.VerifyBundle(raw, digestOf("archive"))
	wantVerificationError(t, err, "signer identity", sigstoreJSSAN)
	if hits.Load() == 0 || !strings.HasPrefix(v.trust.source, "embedded copy") {
		t.Fatalf("first run: %d TUF requests, root %q", hits.Load(), v.trust.source)
	}
	if _, err := os.Stat(filepath.Join(cache, "sigstore-tuf", "update-failed.json")); err != nil {
		t.Fatalf("failure not remembered: %v", err)
	}
	first := hits.Load()

	for i := range 2 {
		v = verifier(now.Add(time.Duration(i+1) * time.Minute))
		_, err = v.VerifyBundle(raw, digestOf("archive"))
		wantVerificationError(t, err, "signer identity", sigstoreJSSAN)
		if hits.Load() != first {
			t.Fatalf("run %d asked the TUF host again (%d requests)", i+2, hits.Load()-first)
		}
		if !strings.Contains(v.trust.source, "update skipped") {
			t.Errorf("root %q does not say the update was skipped", v.trust.source)
		}
		if d := v.DescribeTrustedRoot(); !strings.Contains(d, "the last TUF update failed") {
			t.Errorf("description %q", d)
		}
	}

	v = verifier(now.Add(2 * tufFailureMemory))
	if _, err = v.VerifyBundle(raw, digestOf("archive")); hits.Load() == first {
		t.Errorf("after the memory ran out, TUF was not asked again (%v)", err)
	}
}

// With the embedded root in use (TUF out of reach), a cryptographic
// failure says how old that root is and names the remedies; the
// description names the root and its age.
func TestStaleEmbeddedRootHint(t *testing.T) {
	srv, _ := silentTUF(t)
	v, err := New(Config{CacheDir: t.TempDir(), APIURL: "http://127.0.0.1:1"})
	must(t, err)
	v.tufMirror = srv.URL
	v.tufTimeout = 100 * time.Millisecond
	if d := v.DescribeTrustedRoot(); !strings.Contains(d, "built into pyget-attest (newest key from ") || !strings.Contains(d, "days ago") {
		t.Errorf("description %q", d)
	}
	f := newFixture(t)
	sha := digestOf("archive")
	_, err = v.VerifyBundle(f.Bundle(att{Statement: statement(SLSAProvenanceV1, sha)}), sha)
	ve := wantVerificationError(t, err, "transparency log", "")
	t.Logf("hint: %s", ve.Hint)
	if !strings.Contains(ve.Hint, "PYGET_SIGSTORE_TRUSTED_ROOT") || !strings.Contains(ve.Hint, "update service") || !strings.Contains(ve.Hint, "newest key is from 20") {
		t.Errorf("hint %q", ve.Hint)
	}
	// Against a root the user gave, no such hint.
	v = newTestVerifier(t, f.WriteRoot(rootOpts{}))
	_, err = v.VerifyBundle(newFixture(t).Bundle(att{Statement: statement(SLSAProvenanceV1, sha)}), sha)
	var ve2 *VerificationError
	if !errors.As(err, &ve2) || ve2.Want != "" || ve2.Hint != "" {
		t.Errorf("against a given root: %v, hint %q", err, ve2.Hint)
	}
}
