package provenance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/verify"
)

const (
	genuineBundle = "testdata/sigstore-js-2.0.0-provenance.sigstore.json"
	embeddedPath  = "embedded/trusted_root.json"
	sigstoreJSSAN = "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main"
)

// A genuine public-good attestation of another project (sigstore-js 2.0.0's
// npm provenance, signed by its GitHub release workflow) passes Sigstore's
// checks against the public-good root pyget embeds, and fails pyget's
// policy: first on identity, and, taken as that project's, on digest.
func TestGenuineBundleOfAnotherProject(t *testing.T) {
	raw, err := os.ReadFile(genuineBundle)
	must(t, err)
	v := newTestVerifier(t, embeddedPath)

	b, err := parseBundle(raw)
	must(t, err)
	tr, err := v.trusted(context.Background())
	must(t, err)
	res, err := tr.verifier.Verify(b, verify.NewPolicy(verify.WithoutArtifactUnsafe(), verify.WithoutIdentitiesUnsafe()))
	if err != nil {
		t.Fatalf("signature, chain, SCT and log checks: %v", err)
	}
	if c := res.Signature.Certificate; c.SubjectAlternativeName != sigstoreJSSAN || c.Extensions.Issuer != GitHubActionsIssuer {
		t.Fatalf("certificate %+v", c)
	}
	if len(res.VerifiedTimestamps) == 0 {
		t.Fatal("no verified log timestamp")
	}

	_, err = v.VerifyBundle(raw, digestOf("archive"))
	wantVerificationError(t, err, "signer identity", sigstoreJSSAN)

	asThem := newTestVerifier(t, embeddedPath, func(c *Config) { c.Identity = "sigstore/sigstore-js/.github/workflows/release.yml" })
	_, err = asThem.VerifyBundle(raw, digestOf("archive"))
	wantVerificationError(t, err, "subject digest", "pkg:npm/sigstore@2.0.0 sha512:46d4e2f74c487731")
}

// tufStandIn counts requests and answers 404, as a TUF repository that
// cannot be used.
func tufStandIn(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(s.Close)
	return s, &n
}

// Without PYGET_SIGSTORE_TRUSTED_ROOT, TUF is asked first; when it cannot
// help (and its cache is empty) the embedded public-good copy is used.
func TestTrustedRootFallsBackToEmbeddedCopy(t *testing.T) {
	tufSrv, tufHits := tufStandIn(t)
	cache := t.TempDir()
	v, err := New(Config{CacheDir: cache, APIURL: "http://127.0.0.1:1"})
	must(t, err)
	v.tufMirror = tufSrv.URL
	raw, err := os.ReadFile(genuineBundle)
	must(t, err)

	_, err = v.VerifyBundle(raw, digestOf("archive"))
	// Sigstore's checks passed (on the embedded root); the policy did not.
	wantVerificationError(t, err, "signer identity", sigstoreJSSAN)
	if tufHits.Load() == 0 {
		t.Error("TUF was not asked")
	}
	t.Logf("root: %s", v.trust.source)
	if !strings.HasPrefix(v.trust.source, "embedded copy (TUF: ") {
		t.Errorf("root source %q", v.trust.source)
	}
	if _, err := os.Stat(filepath.Join(cache, "sigstore-tuf")); err != nil {
		t.Errorf("TUF cache dir: %v", err)
	}
}

// PYGET_SIGSTORE_TRUSTED_ROOT replaces the root: TUF is never asked; an
// unreadable file is an error of its own kind (neither "no bundle" nor "bad
// bundle"), and New does not read it: a verifier that verifies nothing
// costs nothing.
func TestTrustedRootFromFile(t *testing.T) {
	tufSrv, tufHits := tufStandIn(t)
	v := newTestVerifier(t, embeddedPath)
	v.tufMirror = tufSrv.URL
	raw, err := os.ReadFile(genuineBundle)
	must(t, err)
	_, err = v.VerifyBundle(raw, digestOf("archive"))
	wantVerificationError(t, err, "signer identity", "")
	if tufHits.Load() != 0 || v.trust.source != "file "+embeddedPath {
		t.Errorf("TUF hits %d, root source %q", tufHits.Load(), v.trust.source)
	}

	missing := filepath.Join(t.TempDir(), "nope.json")
	v = newTestVerifier(t, missing)
	v.tufMirror = tufSrv.URL
	if v.trust != nil || v.trustErr != nil {
		t.Fatal("New loaded the root")
	}
	_, err = v.VerifyBundle(raw, digestOf("archive"))
	var ve *VerificationError
	if err == nil || errors.As(err, &ve) || errors.Is(err, ErrNoBundle) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("want a trusted-root error naming %s, got %v", missing, err)
	}
	if tufHits.Load() != 0 {
		t.Error("TUF asked despite a trusted root file")
	}
}
