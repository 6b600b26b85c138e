package provenance

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/tuf"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/pyget/pyget/internal/attest"
)

// policy is what pyget requires of a verified signature beyond Sigstore's
// own checks: the signer pinned to one workflow of one repository, run on
// the refs a release is made from.
type policy struct {
	repo      string // owner/name
	repoURL   string // https://github.com/<repo>
	ownerURL  string // https://github.com/<owner>
	workflow  string // https://github.com/<repo>/.github/workflows/release.yml
	ref       string // the one ref admitted; "" = refs/heads/main or refs/tags/…
	issuer    string
	predicate string
}

func newPolicy(id attest.Identity) policy {
	repoURL := "https://github.com/" + id.Repo
	return policy{
		repo:      id.Repo,
		repoURL:   repoURL,
		ownerURL:  "https://github.com/" + id.Owner(),
		workflow:  repoURL + "/" + id.Workflow,
		ref:       id.Ref,
		issuer:    GitHubActionsIssuer,
		predicate: SLSAProvenanceV1,
	}
}

// refs says which refs the signer may have run on, for messages.
func (p policy) refs() string {
	if p.ref != "" {
		return p.ref
	}
	return "refs/heads/main or refs/tags/…"
}

// sanRegexp is the signer identity rule in sigstore-go's terms: the
// workflow's URL (the repository part in any case, as GitHub's URLs are),
// "@", and an admitted ref, nothing before or after.
func (p policy) sanRegexp() string {
	refs := `(?:refs/heads/main|refs/tags/[^\s@]+)`
	if p.ref != "" {
		refs = regexp.QuoteMeta(p.ref)
	}
	return "^(?i:" + regexp.QuoteMeta(p.repoURL) + ")" + regexp.QuoteMeta(p.workflow[len(p.repoURL):]+"@") + refs + "$"
}

// identity is check's issuer, signer and repository rules in sigstore-go's
// terms, so that its verification enforces them too: a weakening of either
// layer alone lets nothing through.
func (p policy) identity() (verify.CertificateIdentity, error) {
	san, err := verify.NewSANMatcher("", p.sanRegexp())
	if err != nil {
		return verify.CertificateIdentity{}, err
	}
	iss, err := verify.NewIssuerMatcher(p.issuer, "")
	if err != nil {
		return verify.CertificateIdentity{}, err
	}
	return verify.NewCertificateIdentity(san, iss, certificate.Extensions{
		SourceRepositoryURI:      p.repoURL,
		SourceRepositoryOwnerURI: p.ownerURL,
	})
}

// sigstorePolicy is the policy handed to sigstore-go for an archive's
// digest.
func (p policy) sigstorePolicy(digest []byte) (verify.PolicyBuilder, error) {
	id, err := p.identity()
	if err != nil {
		return verify.PolicyBuilder{}, err
	}
	return verify.NewPolicy(verify.WithArtifactDigest("sha256", digest), verify.WithCertificateIdentity(id)), nil
}

// signerRef is the ref in a SAN that names p's workflow ("" and false when
// it names another workflow or repository).
func (p policy) signerRef(san string) (string, bool) {
	prefix := p.workflow + "@"
	if len(san) < len(prefix) || !strings.EqualFold(san[:len(p.repoURL)], p.repoURL) || san[len(p.repoURL):len(prefix)] != prefix[len(p.repoURL):] {
		return "", false
	}
	return san[len(prefix):], true
}

func (p policy) refAdmitted(ref string) bool {
	if p.ref != "" {
		return ref == p.ref
	}
	tag, isTag := strings.CutPrefix(ref, "refs/tags/")
	return ref == "refs/heads/main" || (isTag && tag != "" && !strings.ContainsAny(tag, " \t\n@"))
}

// check applies the policy to what sigstore-go verified, and says the first
// rule that does not match (What names it).
func (p policy) check(res *verify.VerificationResult, sha string) *VerificationError {
	if res.Signature == nil || res.Signature.Certificate == nil {
		return &VerificationError{What: "signer identity", Want: "a Fulcio certificate for " + p.workflow + "@" + p.refs(), Got: "a signature by a bare key"}
	}
	c := res.Signature.Certificate
	if c.Extensions.Issuer != p.issuer {
		return &VerificationError{What: "certificate issuer", Want: p.issuer, Got: c.Extensions.Issuer}
	}
	ref, ok := p.signerRef(c.SubjectAlternativeName)
	if !ok {
		return &VerificationError{What: "signer identity", Want: p.workflow + "@" + p.refs(), Got: c.SubjectAlternativeName}
	}
	if !p.refAdmitted(ref) {
		return &VerificationError{What: "signer ref", Want: p.refs(), Got: ref}
	}
	if r := c.Extensions.SourceRepositoryURI; r != p.repoURL {
		return &VerificationError{What: "source repository", Want: p.repoURL, Got: r}
	}
	if o := c.Extensions.SourceRepositoryOwnerURI; o != p.ownerURL {
		return &VerificationError{What: "source repository owner", Want: p.ownerURL, Got: o}
	}
	if tr := c.Extensions.BuildTrigger; tr == "" || tr == "pull_request" || tr == "pull_request_target" {
		return &VerificationError{What: "build trigger", Want: "a release run (not pull_request or pull_request_target)", Got: tr}
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

// parseBundle reads a Sigstore bundle (JSON; fields this sigstore-go does not
// know are ignored, as they cannot take part in verification).
func parseBundle(raw []byte) (*bundle.Bundle, error) {
	var pb protobundle.Bundle
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, &pb); err != nil {
		return nil, err
	}
	return bundle.NewBundle(&pb)
}

// isBundle says why raw is not a Sigstore bundle; nil when it is one.
func isBundle(raw []byte) error {
	_, err := parseBundle(raw)
	return err
}

// predicateOf reads, without verifying anything, the predicate type of the
// in-toto statement a bundle signs: a candidate of another kind (an SBOM,
// GitHub's release attestation) is set aside before verification, as `gh
// attestation verify` does. An error: raw is not a bundle over a statement.
func predicateOf(raw []byte) (string, error) {
	var b struct {
		DSSE *struct {
			Payload     []byte `json:"payload"`
			PayloadType string `json:"payloadType"`
		} `json:"dsseEnvelope"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return "", err
	}
	if b.DSSE == nil {
		return "", errors.New("no DSSE envelope")
	}
	var st struct {
		PredicateType string `json:"predicateType"`
	}
	if err := json.Unmarshal(b.DSSE.Payload, &st); err != nil {
		return "", fmt.Errorf("envelope payload: %w", err)
	}
	return st.PredicateType, nil
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
	pol, err := v.pol.sigstorePolicy(digest)
	if err != nil {
		return Attestation{}, err
	}
	// sigstore-go checks everything, the policy included; when it
	// refuses, a second pass without the policy tells a cryptographic
	// failure from a mismatch, and check names the mismatch.
	res, err := t.verifier.Verify(b, pol)
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
			ve.Hint = staleRootHint(t)
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

// staleRootHint explains a cryptographic failure against the embedded
// root: Sigstore may have rotated a key since that copy was made, and TUF
// (which would have brought the new root) could not be reached. "" for
// any other root.
func staleRootHint(t *trust) string {
	if !strings.HasPrefix(t.source, "embedded copy") {
		return ""
	}
	return fmt.Sprintf("verified against pyget-attest's built-in copy of Sigstore's trusted root, whose newest key is from %s, because %s; "+
		"if Sigstore has rotated a key since, set PYGET_SIGSTORE_TRUSTED_ROOT to a current trusted_root.json, or let pyget-attest reach Sigstore's update service (%s)",
		t.newestKey.UTC().Format("2006-01-02"), strings.TrimSuffix(strings.TrimPrefix(t.source, "embedded copy ("), ")"), tuf.DefaultMirror)
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
		WorkflowRef:    c.SubjectAlternativeName[min(len(v.pol.repoURL)+1, len(c.SubjectAlternativeName)):],
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
