package provenance

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/verify"
)

const (
	pbsWorkflows = "https://github.com/astral-sh/python-build-standalone/.github/workflows/"
	forkRepoURL  = "https://github.com/a-fork/python-build-standalone"
)

// signerCase is one certificate of the signer matrix.
type signerCase struct {
	name string
	a    att
	// what is the rule that must fail; "" = it passes.
	what string
	// sigstoreToo: the rule is one sigstore-go's identity policy holds
	// too (the build trigger's "not pull_request" it cannot say).
	sigstoreToo bool
}

var signerMatrix = []signerCase{
	{name: "release.yml on main", a: att{SAN: pbsWorkflows + "release.yml@refs/heads/main"}},
	{name: "release.yml on a release tag", a: att{SAN: pbsWorkflows + "release.yml@refs/tags/20260610"}},
	{name: "self-hosted runner, workflow_dispatch", a: att{Trigger: "workflow_dispatch"}},

	{name: "linux.yml on main", a: att{SAN: pbsWorkflows + "linux.yml@refs/heads/main"}, what: "signer identity", sigstoreToo: true},
	{name: "evil.yml on a branch", a: att{SAN: pbsWorkflows + "evil.yml@refs/heads/x"}, what: "signer identity", sigstoreToo: true},
	{name: "release.yml.evil", a: att{SAN: pbsWorkflows + "release.yml.evil@refs/heads/main"}, what: "signer identity", sigstoreToo: true},
	{name: "release.yml on a pull request", a: att{SAN: pbsWorkflows + "release.yml@refs/pull/1/merge"}, what: "signer ref", sigstoreToo: true},
	{name: "release.yml on another branch", a: att{SAN: pbsWorkflows + "release.yml@refs/heads/main-x"}, what: "signer ref", sigstoreToo: true},
	{name: "release.yml on an empty tag", a: att{SAN: pbsWorkflows + "release.yml@refs/tags/"}, what: "signer ref", sigstoreToo: true},
	{name: "no source-repository extension", a: att{SourceRepo: "-"}, what: "source repository", sigstoreToo: true},
	{name: "no source-repository owner extension", a: att{Owner: "-"}, what: "source repository owner", sigstoreToo: true},
	{name: "a pull_request trigger", a: att{Trigger: "pull_request"}, what: "build trigger"},
	{name: "a pull_request_target trigger", a: att{Trigger: "pull_request_target"}, what: "build trigger"},
	{name: "no build trigger", a: att{Trigger: "-"}, what: "build trigger"},
	{name: "another repository", what: "signer identity", sigstoreToo: true,
		a: att{SAN: "https://github.com/someone-else/python-build-standalone/.github/workflows/release.yml@refs/heads/main",
			SourceRepo: "https://github.com/someone-else/python-build-standalone", Owner: "https://github.com/someone-else"}},
	{name: "another repository in the extension", a: att{SourceRepo: "https://github.com/astral-sh/other"}, what: "source repository", sigstoreToo: true},
	{name: "another owner", a: att{Owner: "https://github.com/evil"}, what: "source repository owner", sigstoreToo: true},
	{name: "an issuer that extends GitHub's", a: att{Issuer: "https://token.actions.githubusercontent.com.evil.example"}, what: "certificate issuer", sigstoreToo: true},
	{name: "a fork's release workflow", what: "signer identity", sigstoreToo: true,
		a: att{SAN: forkRepoURL + "/.github/workflows/release.yml@refs/heads/main", SourceRepo: forkRepoURL, Owner: "https://github.com/a-fork"}},
}

// The signer matrix through the whole verification: the release workflow
// on main or a tag passes; everything else fails naming the rule.
func TestSignerMatrix(t *testing.T) {
	f := newFixture(t)
	sha := digestOf("archive")
	v := newTestVerifier(t, f.WriteRoot(rootOpts{}))
	for _, c := range signerMatrix {
		t.Run(c.name, func(t *testing.T) {
			c.a.Statement = statement(SLSAProvenanceV1, sha)
			_, err := v.VerifyBundle(f.Bundle(c.a), sha)
			if c.what == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Logf("%v", err)
			wantVerificationError(t, err, c.what, "")
		})
	}
}

// Each layer alone refuses what it is meant to: sigstore-go with only the
// identity policy pyget hands it, and pyget's own check after a
// verification without any identity. Weakening either one fails here even
// though the other would still catch the certificate.
func TestEachPolicyLayerAlone(t *testing.T) {
	f := newFixture(t)
	sha := digestOf("archive")
	digest, _ := hex.DecodeString(sha)
	v := newTestVerifier(t, f.WriteRoot(rootOpts{}))
	tr, err := v.trusted(context.Background())
	must(t, err)
	for _, c := range signerMatrix {
		t.Run(c.name, func(t *testing.T) {
			c.a.Statement = statement(SLSAProvenanceV1, sha)
			b, err := parseBundle(f.Bundle(c.a))
			must(t, err)

			pol, err := v.pol.sigstorePolicy(digest)
			must(t, err)
			_, serr := tr.verifier.Verify(b, pol)
			switch {
			case c.what == "" && serr != nil:
				t.Errorf("sigstore-go's policy refused a good signer: %v", serr)
			case c.sigstoreToo && serr == nil:
				t.Errorf("sigstore-go's policy alone admitted it (want it refused on %s)", c.what)
			}

			res, err := tr.verifier.Verify(b, verify.NewPolicy(verify.WithoutArtifactUnsafe(), verify.WithoutIdentitiesUnsafe()))
			must(t, err)
			ve := v.pol.check(res, sha)
			switch {
			case c.what == "" && ve != nil:
				t.Errorf("pyget's check refused a good signer: %v", ve)
			case c.what != "" && (ve == nil || ve.What != c.what):
				t.Errorf("pyget's check alone: %v, want a refusal on %s", ve, c.what)
			}
		})
	}
}

// PYGET_ATTESTATION_IDENTITY admits a fork's (or a private build's) release
// workflow, and then python-build-standalone's no longer passes; a ref in
// it must be matched exactly.
func TestIdentityOverride(t *testing.T) {
	f := newFixture(t)
	sha := digestOf("archive")
	root := f.WriteRoot(rootOpts{})
	fork := att{SAN: forkRepoURL + "/.github/workflows/release.yml@refs/heads/main", SourceRepo: forkRepoURL,
		Owner: "https://github.com/a-fork", Statement: statement(SLSAProvenanceV1, sha)}
	pbs := att{Statement: statement(SLSAProvenanceV1, sha)}

	v := newTestVerifier(t, root, func(c *Config) { c.Identity = "a-fork/python-build-standalone/.github/workflows/release.yml" })
	a, err := v.VerifyBundle(f.Bundle(fork), sha)
	if err != nil || a.SignerIdentity != fork.SAN {
		t.Fatalf("fork under the override: %+v %v", a, err)
	}
	_, err = v.VerifyBundle(f.Bundle(pbs), sha)
	wantVerificationError(t, err, "signer identity", "astral-sh")

	v = newTestVerifier(t, root, func(c *Config) {
		c.Identity = "https://github.com/a-fork/python-build-standalone/.github/workflows/build.yml@refs/heads/stable"
	})
	fork.SAN = forkRepoURL + "/.github/workflows/build.yml@refs/heads/stable"
	if _, err := v.VerifyBundle(f.Bundle(fork), sha); err != nil {
		t.Fatalf("exact ref: %v", err)
	}
	fork.SAN = forkRepoURL + "/.github/workflows/build.yml@refs/heads/main"
	_, err = v.VerifyBundle(f.Bundle(fork), sha)
	ve := wantVerificationError(t, err, "signer ref", "refs/heads/main")
	if !strings.Contains(ve.Want, "refs/heads/stable") {
		t.Errorf("want names %q", ve.Want)
	}
}
