package provenance

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"google.golang.org/protobuf/encoding/protojson"
)

// policy is what pyget requires of a verified signature beyond Sigstore's
// own checks.
type policy struct {
	repoURL   string // https://github.com/<repo>
	workflows string // https://github.com/<repo>/.github/workflows/
	issuer    string
	predicate string
}

func newPolicy(repo string) policy {
	repoURL := "https://github.com/" + repo
	return policy{
		repoURL:   repoURL,
		workflows: repoURL + "/.github/workflows/",
		issuer:    GitHubActionsIssuer,
		predicate: SLSAProvenanceV1,
	}
}

// identity is the same rule as check's issuer and signer identity, in
// sigstore-go's terms, so that its policy enforces it too.
func (p policy) identity() (verify.CertificateIdentity, error) {
	return verify.NewShortCertificateIdentity(p.issuer, "", "", "(?i)^"+regexp.QuoteMeta(p.workflows))
}

// check applies the policy to what sigstore-go verified, and says the first
// thing that does not match.
func (p policy) check(res *verify.VerificationResult, sha string) *VerificationError {
	if res.Signature == nil || res.Signature.Certificate == nil {
		return &VerificationError{What: "signer identity", Want: "a Fulcio certificate for " + p.workflows + "…", Got: "a signature by a bare key"}
	}
	c := res.Signature.Certificate
	if c.Extensions.Issuer != p.issuer {
		return &VerificationError{What: "certificate issuer", Want: p.issuer, Got: c.Extensions.Issuer}
	}
	if !hasPrefixFold(c.SubjectAlternativeName, p.workflows) {
		return &VerificationError{What: "signer identity", Want: p.workflows + "…", Got: c.SubjectAlternativeName}
	}
	if r := c.Extensions.SourceRepositoryURI; r != "" && !strings.EqualFold(r, p.repoURL) {
		return &VerificationError{What: "source repository", Want: p.repoURL, Got: r}
	}
	st := res.Statement
	if st == nil {
		return &VerificationError{What: "statement", Want: "an in-toto statement", Got: "a bare message signature"}
	}
	found := false
	var got []string
	for _, s := range st.GetSubject() {
		d := s.GetDigest()
		if strings.EqualFold(d["sha256"], sha) {
			found = true
			break
		}
		if len(got) < 3 {
			got = append(got, describeDigests(s.GetName(), d))
		}
	}
	if !found {
		g := strings.Join(got, ", ")
		if n := len(st.GetSubject()); n > len(got) {
			g += fmt.Sprintf(" (and %d more subjects)", n-len(got))
		}
		return &VerificationError{What: "subject digest", Want: "sha256:" + sha, Got: g}
	}
	if st.GetPredicateType() != p.predicate {
		return &VerificationError{What: "predicate type", Want: p.predicate, Got: st.GetPredicateType()}
	}
	return nil
}

func describeDigests(name string, d map[string]string) string {
	algs := make([]string, 0, len(d))
	for a := range d {
		algs = append(algs, a)
	}
	sort.Strings(algs)
	parts := make([]string, 0, len(algs))
	for _, a := range algs {
		v := d[a]
		if len(v) > 16 {
			v = v[:16] + "…"
		}
		parts = append(parts, a+":"+v)
	}
	return name + " " + strings.Join(parts, ",")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseBundle reads a Sigstore bundle (JSON; fields this sigstore-go does not
// know are ignored, as they cannot take part in verification).
func parseBundle(raw []byte) (*bundle.Bundle, error) {
	var pb protobundle.Bundle
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, &pb); err != nil {
		return nil, err
	}
	return bundle.NewBundle(&pb)
}

// verifyBundle verifies one bundle against the trusted root and the policy.
func (v *Verifier) verifyBundle(ctx context.Context, raw []byte, sha, source string) (Attestation, error) {
	fail := func(e *VerificationError) error {
		e.SHA256, e.Source = sha, source
		return e
	}
	b, err := parseBundle(raw)
	if err != nil {
		return Attestation{}, fail(&VerificationError{What: "bundle", Got: err.Error(), Err: err})
	}
	t, err := v.trusted(ctx)
	if err != nil {
		return Attestation{}, err
	}
	digest, _ := hex.DecodeString(sha)
	id, err := v.pol.identity()
	if err != nil {
		return Attestation{}, err
	}
	// sigstore-go checks everything, the policy included; when it
	// refuses, a second pass without the policy tells a cryptographic
	// failure from a mismatch, and check names the mismatch.
	res, err := t.verifier.Verify(b, verify.NewPolicy(verify.WithArtifactDigest("sha256", digest), verify.WithCertificateIdentity(id)))
	if err != nil {
		bare, cerr := t.verifier.Verify(b, verify.NewPolicy(verify.WithoutArtifactUnsafe(), verify.WithoutIdentitiesUnsafe()))
		if cerr != nil {
			ve := cryptoError(cerr)
			if ve.What == "certificate chain" {
				// sigstore-go does not say why; the validity window
				// usually does.
				if vc, err := b.VerificationContent(); err == nil && vc.Certificate() != nil {
					c := vc.Certificate()
					ve.Got += fmt.Sprintf(" (certificate valid %s to %s)",
						c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
				}
			}
			return Attestation{}, fail(ve)
		}
		if ve := v.pol.check(bare, sha); ve != nil {
			ve.Err = err
			return Attestation{}, fail(ve)
		}
		return Attestation{}, fail(&VerificationError{What: "policy", Got: err.Error(), Err: err})
	}
	if ve := v.pol.check(res, sha); ve != nil {
		return Attestation{}, fail(ve)
	}
	return v.attestation(b, res, sha, source, t.source), nil
}

// cryptoError names the step of Sigstore verification that failed, from
// sigstore-go's wrapping (signed_entity.go's Verify).
func cryptoError(err error) *VerificationError {
	msg := err.Error()
	what := "signature"
	for _, s := range []struct{ prefix, what string }{
		{"failed to verify log inclusion", "transparency log"},
		{"failed to verify timestamps", "timestamp"},
		{"failed to verify leaf certificate", "certificate chain"},
		{"failed to verify signed certificate timestamp", "certificate transparency"},
		{"failed to verify signature", "signature"},
		{"failed to fetch envelope statement", "statement"},
		{"failed to summarize certificate", "certificate"},
	} {
		if strings.HasPrefix(msg, s.prefix) {
			what = s.what
			break
		}
	}
	return &VerificationError{What: what, Got: msg, Err: err}
}

func (v *Verifier) attestation(b *bundle.Bundle, res *verify.VerificationResult, sha, source, rootSource string) Attestation {
	c := res.Signature.Certificate
	a := Attestation{
		SHA256:         sha,
		SignerIdentity: c.SubjectAlternativeName,
		WorkflowRef:    c.SubjectAlternativeName[len(v.pol.repoURL)+1:],
		Issuer:         c.Extensions.Issuer,
		SourceRepo:     c.Extensions.SourceRepositoryURI,
		SourceRef:      c.Extensions.SourceRepositoryRef,
		SourceCommit:   c.Extensions.SourceRepositoryDigest,
		Runner:         c.Extensions.RunnerEnvironment,
		PredicateType:  res.Statement.GetPredicateType(),
		Source:         source,
		TrustedRoot:    rootSource,
	}
	var indexes []int64
	if entries, err := b.TlogEntries(); err == nil {
		for _, e := range entries {
			indexes = append(indexes, e.LogIndex())
		}
	}
	for _, ts := range res.VerifiedTimestamps {
		e := Evidence{URI: ts.URI, Time: ts.Timestamp, LogIndex: -1}
		switch ts.Type {
		case "Tlog":
			e.Kind = "transparency log"
			if len(indexes) > 0 {
				e.LogIndex, indexes = indexes[0], indexes[1:]
			}
		case "TimestampAuthority":
			e.Kind = "timestamp authority"
		default:
			e.Kind = ts.Type
		}
		a.Evidence = append(a.Evidence, e)
	}
	return a
}
