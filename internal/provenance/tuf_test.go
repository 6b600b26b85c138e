package provenance

import (
	"errors"
	"net"
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
// drops Sigstore's CDN after the handshake would. It counts connections;
// settle makes one more of its own (answered at once) and returns the count
// before it: the listener accepts in order, so every connection made before
// the call is counted by then, however late the server got to it.
func silentTUF(t *testing.T) (srv *httptest.Server, settle func() int64) {
	var conns atomic.Int64
	release := make(chan struct{})
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/settle" {
			return
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	settle = func() int64 {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(srv.URL + "/settle")
		must(t, err)
		resp.Body.Close()
		return conns.Load() - 1
	}
	return srv, settle
}

// A TUF update that fails is remembered: the first run waits out its
// budget and falls back to the embedded root; the next runs (new
// processes, one cache) make no request to the TUF host at all until the
// memory runs out, and say why in the root's description.
func TestTUFFailureRemembered(t *testing.T) {
	srv, settle := silentTUF(t)
	cache := t.TempDir()
	now := time.Now()
	verifier := func(at time.Time) *Verifier {
		v, err := New(Config{CacheDir: cache, APIURL: "http://127.0.0.1:1", Now: func() time.Time { return at }})
		must(t, err)
		v.tufMirror = srv.URL
		// Long enough that a run which does try the TUF host surely
		// connects within it, however loaded the machine.
		v.tufTimeout = 3 * time.Second
		return v
	}
	raw, err := os.ReadFile(genuineBundle)
	must(t, err)

	v := verifier(now)
	_, err = v.VerifyBundle(raw, digestOf("archive"))
	wantVerificationError(t, err, "signer identity", sigstoreJSSAN)
	if !strings.HasPrefix(v.trust.source, "embedded copy") {
		t.Fatalf("first run: root %q", v.trust.source)
	}
	if raw, err := os.ReadFile(filepath.Join(cache, "sigstore-tuf", "update-failed.json")); err != nil || !strings.Contains(string(raw), srv.Listener.Addr().String()) {
		t.Fatalf("failure not remembered: %s %v", raw, err)
	}
	first := settle()
	t.Logf("the first run made %d connections to the TUF host", first)
	base := first + 1 // settle's own

	for i := range 2 {
		v = verifier(now.Add(time.Duration(i+1) * time.Minute))
		_, err = v.VerifyBundle(raw, digestOf("archive"))
		wantVerificationError(t, err, "signer identity", sigstoreJSSAN)
		if n := settle(); n != base {
			t.Fatalf("run %d connected to the TUF host again (%d connections)", i+2, n-base)
		}
		base++
		if !strings.Contains(v.trust.source, "update skipped") {
			t.Errorf("root %q does not say the update was skipped", v.trust.source)
		}
		if d := v.DescribeTrustedRoot(); !strings.Contains(d, "the last TUF update failed") {
			t.Errorf("description %q", d)
		}
	}

	v = verifier(now.Add(2 * tufFailureMemory))
	_, err = v.VerifyBundle(raw, digestOf("archive"))
	if n := settle(); n == base {
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
