package provenance

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// newTestVerifier makes a Verifier on a trusted_root.json, with no cache and
// an API nobody answers.
func newTestVerifier(t *testing.T, rootPath string, mod ...func(*Config)) *Verifier {
	t.Helper()
	cfg := Config{TrustedRootPath: rootPath, APIURL: "http://127.0.0.1:1"}
	for _, m := range mod {
		m(&cfg)
	}
	v, err := New(cfg)
	must(t, err)
	return v
}

func wantVerificationError(t *testing.T, err error, what string, gotHas string) *VerificationError {
	t.Helper()
	var ve *VerificationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a *VerificationError about %s, got %T: %v", what, err, err)
	}
	if ve.What != what {
		t.Fatalf("failure is about %q, want %q: %v", ve.What, what, err)
	}
	if !strings.Contains(ve.Error(), what) || (gotHas != "" && !strings.Contains(ve.Error(), gotHas)) {
		t.Fatalf("message %q should name %q and %q", ve.Error(), what, gotHas)
	}
	if errors.Is(err, ErrNoBundle) {
		t.Fatalf("a failing bundle is not ErrNoBundle: %v", err)
	}
	return ve
}

func TestGoodAttestationPasses(t *testing.T) {
	f := newFixture(t)
	sha := digestOf("archive")
	v := newTestVerifier(t, f.WriteRoot(rootOpts{}))
	b := f.Bundle(att{Statement: statement(SLSAProvenanceV1, digestOf("other"), sha)})
	a, err := v.VerifyBundle(b, sha)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", a)
	if a.SignerIdentity != goodSAN || a.WorkflowRef != ".github/workflows/release.yml@refs/heads/main" ||
		a.SourceRepo != goodRepoURL || a.Issuer != GitHubActionsIssuer || a.PredicateType != SLSAProvenanceV1 ||
		a.Runner != "self-hosted" || a.SHA256 != sha || !strings.HasPrefix(a.TrustedRoot, "file ") {
		t.Errorf("attestation %+v", a)
	}
	kinds := map[string]bool{}
	for _, e := range a.Evidence {
		kinds[e.Kind] = true
		if e.Time.IsZero() || time.Since(e.Time) > time.Hour {
			t.Errorf("evidence time %v", e.Time)
		}
	}
	if !kinds["transparency log"] || !kinds["timestamp authority"] {
		t.Errorf("evidence %+v: want the log entry and the timestamp", a.Evidence)
	}

	// The repository's name in the signer identity is compared without
	// regard to case, as GitHub's.
	b = f.Bundle(att{SAN: strings.Replace(goodSAN, "astral-sh", "Astral-SH", 1), Statement: statement(SLSAProvenanceV1, sha)})
	if a, err = v.VerifyBundle(b, sha); err != nil || a.SourceRepo != goodRepoURL {
		t.Fatalf("%+v %v", a, err)
	}
}

// Each way an attestation can differ from python-build-standalone's fails,
// and the message names what did not match.
func TestMismatchesFail(t *testing.T) {
	f := newFixture(t)
	sha := digestOf("archive")
	good := statement(SLSAProvenanceV1, sha)
	past := time.Now().Add(-50 * time.Minute)
	cases := []struct {
		name   string
		root   rootOpts
		a      att
		what   string
		gotHas string
	}{
		{name: "another repository's workflow", what: "signer identity", gotHas: "someone-else/python-build-standalone",
			a: att{SAN: "https://github.com/someone-else/python-build-standalone/.github/workflows/release.yml@refs/heads/main", SourceRepo: "-"}},
		{name: "a repository whose name extends the project's", what: "signer identity", gotHas: "python-build-standalone-fork",
			a: att{SAN: "https://github.com/astral-sh/python-build-standalone-fork/.github/workflows/release.yml@refs/heads/main", SourceRepo: "-"}},
		{name: "the project, but not a workflow", what: "signer identity", gotHas: "/scripts/",
			a: att{SAN: "https://github.com/astral-sh/python-build-standalone/scripts/sign.yml@refs/heads/main"}},
		{name: "another issuer", what: "certificate issuer", gotHas: "https://accounts.example.com",
			a: att{Issuer: "https://accounts.example.com"}},
		{name: "an issuer that extends GitHub's", what: "certificate issuer", gotHas: "https://token.actions.githubusercontent.com.evil.example",
			a: att{Issuer: "https://token.actions.githubusercontent.com.evil.example"}},
		{name: "source-repository extension of another repository", what: "source repository", gotHas: "https://github.com/someone-else/x",
			a: att{SourceRepo: "https://github.com/someone-else/x"}},
		{name: "another digest", what: "subject digest", gotHas: digestOf("other")[:16],
			a: att{Statement: statement(SLSAProvenanceV1, digestOf("other"))}},
		{name: "another predicate type", what: "predicate type", gotHas: "https://slsa.dev/provenance/v0.2",
			a: att{Statement: statement("https://slsa.dev/provenance/v0.2", sha)}},
		{name: "expired certificate, no log entry or timestamp", what: "transparency log",
			a: att{NotBefore: past, NoTlog: true, NoTSA: true}},
		{name: "expired certificate, no timestamp, root without logs", root: rootOpts{NoTlog: true}, what: "timestamp",
			a: att{NotBefore: past, NoTlog: true, NoTSA: true}},
		{name: "expired certificate, logged after it expired", what: "transparency log", gotHas: "outside certificate validity",
			a: att{NotBefore: past, NoTSA: true}},
		{name: "expired certificate, timestamped after it expired", root: rootOpts{NoTlog: true}, what: "certificate chain", gotHas: "certificate valid",
			a: att{NotBefore: past, NoTlog: true}},
		{name: "no SCT in the certificate", what: "certificate transparency",
			a: att{NoSCT: true}},
	}
	roots := map[rootOpts]string{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if roots[c.root] == "" {
				roots[c.root] = f.WriteRoot(c.root)
			}
			v := newTestVerifier(t, roots[c.root])
			if c.a.Statement == nil {
				c.a.Statement = good
			}
			_, err := v.VerifyBundle(f.Bundle(c.a), sha)
			t.Logf("%v", err)
			wantVerificationError(t, err, c.what, c.gotHas)
		})
	}
}

// A certificate from a CA the trusted root does not list, and a statement
// changed after signing, fail Sigstore's own checks.
func TestForgeriesFail(t *testing.T) {
	f, other := newFixture(t), newFixture(t)
	sha := digestOf("archive")
	v := newTestVerifier(t, f.WriteRoot(rootOpts{}))

	_, err := v.VerifyBundle(other.Bundle(att{Statement: statement(SLSAProvenanceV1, sha)}), sha)
	t.Logf("%v", err)
	var ve *VerificationError
	if !errors.As(err, &ve) || ve.Want != "" {
		t.Fatalf("want a cryptographic failure, got %v", err)
	}

	b := f.Bundle(att{Statement: statement(SLSAProvenanceV1, digestOf("other"))})
	forged := strings.Replace(string(b), base64Std(statement(SLSAProvenanceV1, digestOf("other"))), base64Std(statement(SLSAProvenanceV1, sha)), 1)
	if forged == string(b) {
		t.Fatal("payload not found in the bundle")
	}
	_, err = v.VerifyBundle([]byte(forged), sha)
	t.Logf("%v", err)
	if !errors.As(err, &ve) || ve.Want != "" {
		t.Fatalf("want a cryptographic failure, got %v", err)
	}

	_, err = v.VerifyBundle([]byte(`{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}`), sha)
	wantVerificationError(t, err, "bundle", "")
}

// sigstore-go's own virtual Sigstore (vs.Attest): e-mail SAN, first issuer
// extension only, no SCT; verified against a root without CT logs. Its
// certificates carry none of GitHub's source-repository extensions, which
// pyget requires, so even the right signer fails, on that rule.
func TestVirtualSigstoreAttest(t *testing.T) {
	f := newFixture(t)
	sha := digestOf("archive")
	v := newTestVerifier(t, f.WriteRoot(rootOpts{VsCA: true, NoCT: true}))
	st := statement(SLSAProvenanceV1, sha)

	_, err := v.VerifyBundle(f.VSAttest(goodSAN, GitHubActionsIssuer, st), sha)
	wantVerificationError(t, err, "source repository", "(none)")
	_, err = v.VerifyBundle(f.VSAttest(goodSAN, "https://accounts.example.com", st), sha)
	wantVerificationError(t, err, "certificate issuer", "accounts.example.com")
	_, err = v.VerifyBundle(f.VSAttest("https://github.com/someone-else/python-build-standalone/.github/workflows/release.yml@refs/heads/main", GitHubActionsIssuer, st), sha)
	wantVerificationError(t, err, "signer identity", "someone-else")
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
