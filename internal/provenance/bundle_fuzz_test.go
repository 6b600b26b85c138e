package provenance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/snappy"
	"github.com/pyget/pyget/internal/provenance/provenancetest"
)

// bundleSeeds are bundles the tests verify: genuine ones from the virtual
// Sigstore (the attestation pyget wants, one of another digest, one from
// sigstore-go's own virtual Sigstore), a real one of another project, and
// broken ones.
func bundleSeeds(f *testing.F, fx *provenancetest.Fixture, sha string) [][]byte {
	f.Helper()
	real, err := os.ReadFile(filepath.Join("testdata", "sigstore-js-2.0.0-provenance.sigstore.json"))
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{
		fx.Bundle(provenancetest.Att{Statement: provenancetest.Statement(SLSAProvenanceV1, provenancetest.DigestOf("other"), sha)}),
		fx.Bundle(provenancetest.Att{Statement: provenancetest.Statement(SLSAProvenanceV1, provenancetest.DigestOf("another archive"))}),
		fx.VSAttest("someone@example.com", GitHubActionsIssuer, provenancetest.Statement(SLSAProvenanceV1, sha)),
		real,
		[]byte(`{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}`),
		[]byte(`{}`), []byte(`null`), []byte(`[]`),
	}
}

// FuzzVerifyBundle runs a bundle of any content through what pyget-attest
// does with one (parse it, then sigstore-go's verification against the
// virtual Sigstore's trusted root, then the policy): no panic; a failure is
// a *VerificationError; and a bundle that verifies is python-build-
// standalone's attestation of the digest asked.
func FuzzVerifyBundle(f *testing.F) {
	fx := provenancetest.NewFixture(f)
	sha := provenancetest.DigestOf("archive")
	for _, b := range bundleSeeds(f, fx, sha) {
		f.Add(b)
	}
	v, err := New(Config{TrustedRootPath: fx.WriteRoot(provenancetest.RootOpts{}), APIURL: "http://127.0.0.1:1"})
	if err != nil {
		f.Fatal(err)
	}
	// The check below must be able to see a bundle that verifies.
	if _, err := v.VerifyBundle(bundleSeeds(f, fx, sha)[0], sha); err != nil {
		f.Fatalf("the genuine seed bundle does not verify: %v", err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if b, err := parseBundle(raw); err == nil {
			// What pyget reads of a parsed bundle besides verifying it.
			if vc, err := b.VerificationContent(); err == nil && vc != nil {
				_ = vc.Certificate()
			}
			_, _ = b.SignatureContent()
		}
		a, err := v.VerifyBundle(raw, sha)
		if err != nil {
			var ve *VerificationError
			if !errors.As(err, &ve) {
				t.Fatalf("a bad bundle gave %T %v, want a *VerificationError", err, err)
			}
			return
		}
		if a.SHA256 != sha || !strings.HasPrefix(a.SignerIdentity, goodRepoURL+"/") || a.Issuer != GitHubActionsIssuer {
			t.Fatalf("verified an attestation that is not the one asked for: %+v", a)
		}
	})
}

// FuzzDecodeBundleBody checks how a bundle body (JSON, or Snappy-compressed
// JSON as bundle_url serves it) is read: no panic; what comes out is JSON
// within maxBody; a JSON body not said to be Snappy is taken as it is.
func FuzzDecodeBundleBody(f *testing.F) {
	good := []byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`)
	f.Add("application/json", good)
	f.Add("application/x-snappy", snappy.Encode(nil, good))
	f.Add("", snappy.Encode(nil, good))
	f.Add("application/octet-stream", snappy.Encode(nil, []byte("not json")))
	f.Add("text/html", []byte("<html>404</html>"))
	f.Add("", []byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		out, err := decodeBundleBody(contentType, body)
		if err != nil {
			return
		}
		if !json.Valid(out) || len(out) > maxBody {
			t.Fatalf("decoded %d bytes that are not JSON within %d", len(out), maxBody)
		}
		if json.Valid(body) && !strings.Contains(strings.ToLower(contentType), "snappy") && !bytes.Equal(out, body) {
			t.Fatal("a JSON body was changed")
		}
	})
}

// bodyTransport answers every request with 200 and one body.
type bodyTransport struct{ body []byte }

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(b.body)), Request: r}, nil
}

// FuzzListAPI checks the reading of GitHub's attestations answer on any
// body: no panic; a failure is an *UnavailableError; each candidate is an
// inline bundle or a bundle_url.
func FuzzListAPI(f *testing.F) {
	fx := provenancetest.NewFixture(f)
	sha := provenancetest.DigestOf("archive")
	for _, b := range bundleSeeds(f, fx, sha)[:2] {
		f.Add([]byte(listing(b, "https://blob.example/bundle.snappy")))
	}
	for _, s := range []string{`{"attestations":[]}`, `{"attestations":null}`, `{}`, `{"attestations":[{"bundle":null}]}`,
		`{"attestations":[{"bundle":{},"bundle_url":"x"}]}`, `{"attestations":{}}`, `[]`, `<html>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := New(Config{APIURL: "https://api.example", HTTPClient: &http.Client{Transport: bodyTransport{body}}})
		if err != nil {
			t.Fatal(err)
		}
		list, err := v.listAPI(context.Background(), sha)
		if err != nil {
			var ue *UnavailableError
			if !errors.As(err, &ue) {
				t.Fatalf("error %T %v, want an *UnavailableError", err, err)
			}
			return
		}
		if len(list) == 0 {
			t.Fatal("an empty list without an error")
		}
		for _, c := range list {
			if (len(c.bundle) == 0 || bytes.Equal(c.bundle, []byte("null"))) && c.bundleURL == "" {
				t.Fatalf("a candidate with neither a bundle nor a bundle_url: %+v", c)
			}
		}
	})
}
