// Package provenancetest is a Sigstore stand-in for tests, built on
// sigstore-go's virtual Sigstore (pkg/testing/ca): its Rekor log (entries,
// inclusion proofs, signed entry timestamps) and timestamp authority, plus a
// Fulcio-like CA and a CT log of our own so that leaf certificates look like
// the ones GitHub Actions gets (URI SAN, issuer extensions,
// source-repository extension, an embedded SCT). Bundles come out as JSON,
// as GitHub's attestations API serves them.
//
// Tests only: package provenance's own, and cmd/pyget's end-to-end scripts
// (which build a trusted root and bundles for their test archives). It
// imports nothing of pyget's, so that provenance's tests can use it.
package provenancetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	ct "github.com/google/certificate-transparency-go"
	cttls "github.com/google/certificate-transparency-go/tls"
	ctx509 "github.com/google/certificate-transparency-go/x509"
	ctx509util "github.com/google/certificate-transparency-go/x509util"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"google.golang.org/protobuf/encoding/protojson"
)

const (
	// GoodSAN is the signer identity python-build-standalone's release workflow has.
	GoodSAN             = "https://github.com/astral-sh/python-build-standalone/.github/workflows/release.yml@refs/heads/main"
	GoodRepoURL         = "https://github.com/astral-sh/python-build-standalone"
	GoodOwnerURL        = "https://github.com/astral-sh"
	githubActionsIssuer = "https://token.actions.githubusercontent.com"
	// SLSAProvenanceV1 is build provenance's predicate type.
	SLSAProvenanceV1 = "https://slsa.dev/provenance/v1"
	inTotoType       = "application/vnd.in-toto+json"
	bundleV03        = "application/vnd.dev.sigstore.bundle.v0.3+json"
	bundleV01        = "application/vnd.dev.sigstore.bundle+json;version=0.1"
)

var (
	oidIssuerV1   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
	oidRunnerEnv  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 11}
	oidSourceRepo = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 12}
	oidSourceSHA  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 13}
	oidSourceRef  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 14}
	oidOwnerURI   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 16}
	oidTrigger    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 20}
	oidSCTList    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
	oidCTPoison   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 3}
)

// Fixture is one virtual Sigstore with a CA and a CT log of its own.
type Fixture struct {
	t         testing.TB
	vs        *ca.VirtualSigstore
	caRoot    *x509.Certificate
	caInter   *x509.Certificate
	caKey     *ecdsa.PrivateKey // the intermediate's
	ctKey     *ecdsa.PrivateKey
	ctLogID   [32]byte
	validFrom time.Time
}

// NewFixture makes a Fixture; its CA is valid from an hour ago.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	must(t, err)
	rootCert, rootKey, err := ca.GenerateRootCa()
	must(t, err)
	inter, interKey, err := ca.GenerateFulcioIntermediate(rootCert, rootKey)
	must(t, err)
	ctKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	der, err := x509.MarshalPKIXPublicKey(&ctKey.PublicKey)
	must(t, err)
	return &Fixture{t: t, vs: vs, caRoot: rootCert, caInter: inter, caKey: interKey,
		ctKey: ctKey, ctLogID: sha256.Sum256(der), validFrom: time.Now().Add(-time.Hour)}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// RootOpts chooses what a trusted_root.json lists.
type RootOpts struct {
	NoCT, NoTlog, NoTSA bool
	// VsCA lists the virtual Sigstore's own Fulcio CA (for vs.Attest)
	// instead of ours.
	VsCA bool
}

// WriteRoot writes a trusted_root.json for the fixture and returns its path.
func (f *Fixture) WriteRoot(o RootOpts) string {
	t := f.t
	t.Helper()
	cas := []root.CertificateAuthority{&root.FulcioCertificateAuthority{
		Root: f.caRoot, Intermediates: []*x509.Certificate{f.caInter},
		ValidityPeriodStart: f.validFrom, URI: "https://fulcio.localhost",
	}}
	if o.VsCA {
		cas = f.vs.FulcioCertificateAuthorities()
	}
	ctlogs := map[string]*root.TransparencyLog{}
	if !o.NoCT {
		ctlogs[hex.EncodeToString(f.ctLogID[:])] = &root.TransparencyLog{
			BaseURL: "https://ctfe.localhost", ID: f.ctLogID[:], ValidityPeriodStart: f.validFrom,
			HashFunc: crypto.SHA256, PublicKey: &f.ctKey.PublicKey, SignatureHashFunc: crypto.SHA256,
		}
	}
	tlogs := map[string]*root.TransparencyLog{}
	if !o.NoTlog {
		for id, l := range f.vs.RekorLogs() {
			c := *l
			// The virtual log's ID is its hex key ID as bytes; a
			// trusted root holds the raw key ID.
			raw, err := hex.DecodeString(id)
			must(t, err)
			c.ID = raw
			tlogs[id] = &c
		}
	}
	var tsas []root.TimestampingAuthority
	if !o.NoTSA {
		tsas = f.vs.TimestampingAuthorities()
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, cas, ctlogs, tsas, tlogs)
	must(t, err)
	j, err := tr.MarshalJSON()
	must(t, err)
	p := filepath.Join(t.TempDir(), "trusted_root.json")
	must(t, os.WriteFile(p, j, 0o644))
	return p
}

// Att describes one attestation to make.
type Att struct {
	SAN        string // default GoodSAN
	Issuer     string // default githubActionsIssuer
	SourceRepo string // "-" for none; default GoodRepoURL
	Owner      string // source-repository owner URI; "-" for none; default GoodOwnerURL
	Trigger    string // build trigger (the workflow's event); "-" for none; default "push"
	NotBefore  time.Time
	Validity   time.Duration
	NoSCT      bool
	Statement  []byte
	Integrated time.Time // the log's Integrated time; default now
	NoTlog     bool
	NoTSA      bool
}

func (f *Fixture) leaf(pub *ecdsa.PublicKey, a Att) *x509.Certificate {
	t := f.t
	t.Helper()
	san, err := url.Parse(a.SAN)
	must(t, err)
	utf8 := func(s string) []byte {
		b, err := asn1.MarshalWithParams(s, "utf8")
		must(t, err)
		return b
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	must(t, err)
	exts := []pkix.Extension{
		{Id: oidIssuerV1, Value: []byte(a.Issuer)},
		{Id: oidIssuerV2, Value: utf8(a.Issuer)},
		{Id: oidRunnerEnv, Value: utf8("self-hosted")},
		{Id: oidSourceSHA, Value: utf8("0123456789abcdef0123456789abcdef01234567")},
		{Id: oidSourceRef, Value: utf8("refs/heads/main")},
	}
	if a.SourceRepo != "-" {
		exts = append(exts, pkix.Extension{Id: oidSourceRepo, Value: utf8(a.SourceRepo)})
	}
	if a.Owner != "-" {
		exts = append(exts, pkix.Extension{Id: oidOwnerURI, Value: utf8(a.Owner)})
	}
	if a.Trigger != "-" {
		exts = append(exts, pkix.Extension{Id: oidTrigger, Value: utf8(a.Trigger)})
	}
	tmpl := &x509.Certificate{
		SerialNumber:    serial,
		NotBefore:       a.NotBefore,
		NotAfter:        a.NotBefore.Add(a.Validity),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		URIs:            []*url.URL{san},
		ExtraExtensions: exts,
	}
	if !a.NoSCT {
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, f.sct(tmpl, pub))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.caInter, pub, f.caKey)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return cert
}

// sct makes the embedded-SCT extension for the certificate tmpl will give:
// the CT log signs the precertificate (the certificate without the SCT
// list) and the intermediate's key hash.
func (f *Fixture) sct(tmpl *x509.Certificate, pub *ecdsa.PublicKey) pkix.Extension {
	t := f.t
	t.Helper()
	// The precertificate: the same certificate with the CT poison
	// extension where the SCT list will be.
	preTmpl := *tmpl
	preTmpl.ExtraExtensions = append(append([]pkix.Extension(nil), tmpl.ExtraExtensions...),
		pkix.Extension{Id: oidCTPoison, Critical: true, Value: asn1.NullBytes})
	der, err := x509.CreateCertificate(rand.Reader, &preTmpl, f.caInter, pub, f.caKey)
	must(t, err)
	pre, err := x509.ParseCertificate(der)
	must(t, err)
	tbs, err := ctx509.BuildPrecertTBS(pre.RawTBSCertificate, nil)
	must(t, err)
	s := ct.SignedCertificateTimestamp{
		SCTVersion: ct.V1,
		LogID:      ct.LogID{KeyID: f.ctLogID},
		Timestamp:  uint64(time.Now().UnixMilli()),
	}
	entry := ct.LogEntry{Leaf: ct.MerkleTreeLeaf{
		Version:  ct.V1,
		LeafType: ct.TimestampedEntryLeafType,
		TimestampedEntry: &ct.TimestampedEntry{
			Timestamp: s.Timestamp,
			EntryType: ct.PrecertLogEntryType,
			PrecertEntry: &ct.PreCert{
				IssuerKeyHash:  sha256.Sum256(f.caInter.RawSubjectPublicKeyInfo),
				TBSCertificate: tbs,
			},
		},
	}}
	input, err := ct.SerializeSCTSignatureInput(s, entry)
	must(t, err)
	h := sha256.Sum256(input)
	sig, err := ecdsa.SignASN1(rand.Reader, f.ctKey, h[:])
	must(t, err)
	s.Signature = ct.DigitallySigned{
		Algorithm: cttls.SignatureAndHashAlgorithm{Hash: cttls.SHA256, Signature: cttls.ECDSA},
		Signature: sig,
	}
	list, err := ctx509util.MarshalSCTsIntoSCTList([]*ct.SignedCertificateTimestamp{&s})
	must(t, err)
	listBytes, err := cttls.Marshal(*list)
	must(t, err)
	val, err := asn1.Marshal(listBytes)
	must(t, err)
	return pkix.Extension{Id: oidSCTList, Value: val}
}

// Bundle signs a statement as a GitHub workflow would and returns the
// Sigstore bundle (v0.3) as JSON.
func (f *Fixture) Bundle(a Att) []byte {
	t := f.t
	t.Helper()
	now := time.Now()
	if a.SAN == "" {
		a.SAN = GoodSAN
	}
	if a.Issuer == "" {
		a.Issuer = githubActionsIssuer
	}
	if a.SourceRepo == "" {
		a.SourceRepo = GoodRepoURL
	}
	if a.Owner == "" {
		a.Owner = GoodOwnerURL
	}
	if a.Trigger == "" {
		a.Trigger = "push"
	}
	if a.NotBefore.IsZero() {
		a.NotBefore = now.Add(-time.Minute)
	}
	if a.Validity == 0 {
		a.Validity = 10 * time.Minute
	}
	if a.Integrated.IsZero() {
		a.Integrated = now
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	cert := f.leaf(&key.PublicKey, a)

	h := sha256.Sum256(dsse.PAE(inTotoType, a.Statement))
	sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
	must(t, err)
	env := &dsse.Envelope{
		PayloadType: inTotoType,
		Payload:     base64.StdEncoding.EncodeToString(a.Statement),
		Signatures:  []dsse.Signature{{Sig: base64.StdEncoding.EncodeToString(sig)}},
	}
	var tles []*protorekor.TransparencyLogEntry
	if !a.NoTlog {
		entry, err := f.vs.GenerateTlogEntry(cert, env, sig, a.Integrated.Unix(), true)
		must(t, err)
		tles = append(tles, f.completeEntry(entry))
	}
	var tsrs [][]byte
	if !a.NoTSA {
		tsr, err := f.vs.TimestampResponse(sig)
		must(t, err)
		tsrs = append(tsrs, tsr)
	}
	return bundleJSON(t, bundleV03, cert, env, tles, tsrs)
}

// completeEntry adds what a Rekor v1 answer carries and the virtual
// Sigstore's tlog.Entry keeps to itself: kind/version and the signed entry
// timestamp (signed again here, over the same payload).
func (f *Fixture) completeEntry(e *tlog.Entry) *protorekor.TransparencyLogEntry {
	t := f.t
	t.Helper()
	tle := e.TransparencyLogEntry()
	tle.KindVersion = &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"}
	set, err := f.vs.RekorSignPayload(tlog.RekorPayload{
		Body:           base64.StdEncoding.EncodeToString(tle.CanonicalizedBody),
		IntegratedTime: tle.IntegratedTime,
		LogIndex:       tle.LogIndex,
		LogID:          hex.EncodeToString(tle.LogId.KeyId),
	})
	must(t, err)
	tle.InclusionPromise = &protorekor.InclusionPromise{SignedEntryTimestamp: set}
	return tle
}

func bundleJSON(t testing.TB, mediaType string, cert *x509.Certificate, env *dsse.Envelope, tles []*protorekor.TransparencyLogEntry, tsrs [][]byte) []byte {
	t.Helper()
	payload, err := base64.StdEncoding.DecodeString(env.Payload)
	must(t, err)
	var sigs []*protodsse.Signature
	for _, s := range env.Signatures {
		b, err := base64.StdEncoding.DecodeString(s.Sig)
		must(t, err)
		sigs = append(sigs, &protodsse.Signature{Sig: b, Keyid: s.KeyID})
	}
	vm := &protobundle.VerificationMaterial{
		Content:     &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: cert.Raw}},
		TlogEntries: tles,
	}
	if len(tsrs) > 0 {
		vm.TimestampVerificationData = &protobundle.TimestampVerificationData{}
		for _, r := range tsrs {
			vm.TimestampVerificationData.Rfc3161Timestamps = append(vm.TimestampVerificationData.Rfc3161Timestamps,
				&protocommon.RFC3161SignedTimestamp{SignedTimestamp: r})
		}
	}
	b := &protobundle.Bundle{
		MediaType:            mediaType,
		VerificationMaterial: vm,
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload: payload, PayloadType: env.PayloadType, Signatures: sigs,
		}},
	}
	j, err := protojson.Marshal(b)
	must(t, err)
	return j
}

// VSAttest makes a bundle (v0.1) with the virtual Sigstore's own Attest:
// its certificates carry the identity as an e-mail SAN, the issuer in the
// first issuer extension, and no SCT.
func (f *Fixture) VSAttest(identity, issuer string, statement []byte) []byte {
	t := f.t
	t.Helper()
	e, err := f.vs.Attest(identity, issuer, statement)
	must(t, err)
	vc, err := e.VerificationContent()
	must(t, err)
	sc, err := e.SignatureContent()
	must(t, err)
	env := sc.EnvelopeContent().RawEnvelope()
	entries, err := e.TlogEntries()
	must(t, err)
	var tles []*protorekor.TransparencyLogEntry
	for _, en := range entries {
		tles = append(tles, f.completeEntry(en))
	}
	tsrs, err := e.Timestamps()
	must(t, err)
	return bundleJSON(t, bundleV01, vc.Certificate(), env, tles, tsrs)
}

// Statement is an in-toto statement with one subject per sha256.
func Statement(predicateType string, shas ...string) []byte {
	type subject struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	}
	var subs []subject
	for i, s := range shas {
		subs = append(subs, subject{Name: "cpython-" + string(rune('a'+i)) + ".tar.zst", Digest: map[string]string{"sha256": s}})
	}
	j, err := json.Marshal(map[string]any{
		"_type":         "https://in-toto.io/Statement/v1",
		"subject":       subs,
		"predicateType": predicateType,
		"predicate": map[string]any{
			"buildDefinition": map[string]any{"buildType": "https://actions.github.io/buildtypes/workflow/v1"},
			"runDetails":      map[string]any{"builder": map[string]any{"id": GoodSAN}},
		},
	})
	if err != nil {
		panic(err)
	}
	return j
}

// DigestOf is the sha256 (hex) of s.
func DigestOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
