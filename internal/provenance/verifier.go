package provenance

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sigstore/sigstore-go/pkg/tuf"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/fsutil"
)

const (
	// DefaultAPIURL is GitHub's REST API ($GITHUB_API_URL when unset).
	DefaultAPIURL = "https://api.github.com"
	// DefaultRepo is the repository whose release workflow must have
	// signed.
	DefaultRepo = attest.DefaultRepo
	// GitHubActionsIssuer is the OIDC issuer of GitHub Actions' tokens,
	// which Fulcio records in the signing certificate.
	GitHubActionsIssuer = "https://token.actions.githubusercontent.com"
	// SLSAProvenanceV1 is the predicate type of build provenance.
	SLSAProvenanceV1 = "https://slsa.dev/provenance/v1"
)

// Config says where a Verifier looks and what it trusts. The caller fills it
// from the environment (GITHUB_API_URL, GITHUB_TOKEN or GH_TOKEN,
// PYGET_SIGSTORE_TRUSTED_ROOT); the package reads no environment itself.
type Config struct {
	// CacheDir is pyget's cache directory: verified bundles go to
	// <CacheDir>/attestations, TUF metadata to <CacheDir>/sigstore-tuf.
	// Empty: nothing is cached.
	CacheDir string
	// APIURL is GitHub's REST API base; DefaultAPIURL when empty.
	APIURL string
	// Token is sent as "Authorization: Bearer" to the API host only.
	Token string
	// TrustedRootPath, when set, is a trusted_root.json that replaces
	// Sigstore's public-good root (private deployments, tests).
	TrustedRootPath string
	// HTTPClient makes every request (API, bundle_url, mirror, TUF); the
	// transfer layer's client when nil.
	HTTPClient *http.Client
	// Identity is the workflow that must have signed
	// (PYGET_ATTESTATION_IDENTITY, attest.ParseIdentity's form);
	// python-build-standalone's release workflow when empty.
	Identity string
	// Retries, IdleTimeout and Netrc are the transfer settings
	// (PYGET_HTTP_RETRIES, PYGET_HTTP_TIMEOUT, netrc) every request is
	// made with, as an archive's are; nil and zero are the transfer
	// layer's defaults.
	Retries     *int
	IdleTimeout time.Duration
	Netrc       string
	// Mirrors are the configured mirrors' base URLs: their userinfo is
	// the login for their host, as for archives.
	Mirrors []string
	// Offline (--offline): no request at all; bundles come from the cache
	// or a file:// mirror, the trusted root from the TUF cache or the
	// embedded copy.
	Offline bool
	// Now is the clock for Retry-After and rate-limit resets; time.Now
	// when nil. Certificate validity never uses it: it is checked at the
	// time the log or timestamp authority observed.
	Now func() time.Time
	// UserAgent, when set, goes on every request.
	UserAgent string
}

// Verifier finds and verifies attestations. It is safe for concurrent use;
// the trusted root is loaded once, on the first verification, so a Verifier
// that verifies nothing costs nothing.
type Verifier struct {
	cfg      Config
	api      *url.URL
	pol      policy
	transfer *fetch.Fetcher

	// Set by New; tests change them.
	tufMirror  string
	tufTimeout time.Duration

	trustOnce sync.Once
	trustDone chan struct{}
	trust     *trust
	trustErr  error
}

// New checks cfg and fills its defaults. It does no I/O.
func New(cfg Config) (*Verifier, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	api, err := url.Parse(strings.TrimRight(cfg.APIURL, "/"))
	if err != nil || (api.Scheme != "https" && api.Scheme != "http") || api.Host == "" {
		return nil, fmt.Errorf("GitHub API URL %q: want an http(s) URL", cfg.APIURL)
	}
	id, err := attest.ParseIdentity(cfg.Identity)
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	v := &Verifier{
		cfg:        cfg,
		api:        api,
		pol:        newPolicy(id),
		tufMirror:  tuf.DefaultMirror,
		tufTimeout: tufTimeout,
		trustDone:  make(chan struct{}),
	}
	if err := v.newTransfer(0); err != nil {
		return nil, err
	}
	return v, nil
}

// newTransfer makes the transfer layer's Fetcher every request goes
// through, with the caller's settings; backoff > 0 replaces the default
// backoff (tests).
func (v *Verifier) newTransfer(backoff time.Duration) error {
	// Nothing is written there: small documents are held in memory.
	dir := v.cfg.CacheDir
	if dir == "" {
		dir = os.TempDir()
	}
	fc := fetch.DefaultConfig(dir)
	fc.Client = v.cfg.HTTPClient
	if v.cfg.Retries != nil {
		fc.Retries = *v.cfg.Retries
	}
	if v.cfg.IdleTimeout > 0 {
		fc.IdleTimeout = v.cfg.IdleTimeout
	}
	fc.Netrc = v.cfg.Netrc
	for _, m := range v.cfg.Mirrors {
		if u, err := url.Parse(m); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			fc.Mirrors = append(fc.Mirrors, m)
		}
	}
	if backoff > 0 {
		fc.BaseDelay, fc.MaxDelay = backoff, backoff
	}
	f, err := fetch.New(fc)
	if err != nil {
		return err
	}
	v.transfer = f
	return nil
}

// Evidence is one observation that the signature existed while the
// certificate was valid.
type Evidence struct {
	// Kind is "transparency log" or "timestamp authority".
	Kind string
	URI  string
	Time time.Time
	// LogIndex is the entry's index in the transparency log; -1 for a
	// timestamp authority.
	LogIndex int64
}

// Attestation is what a verified bundle says.
type Attestation struct {
	SHA256 string
	// SignerIdentity is the certificate's SAN: the workflow that signed,
	// e.g. https://github.com/astral-sh/python-build-standalone/.github/workflows/release.yml@refs/heads/main.
	SignerIdentity string
	// WorkflowRef is SignerIdentity inside the repository:
	// .github/workflows/release.yml@refs/heads/main.
	WorkflowRef string
	Issuer      string
	// SourceRepo, SourceRef and SourceCommit come from the certificate's
	// extensions, "" when absent.
	SourceRepo   string
	SourceRef    string
	SourceCommit string
	// Runner is the runner environment ("github-hosted", "self-hosted").
	Runner        string
	PredicateType string
	Evidence      []Evidence
	// Source is where the bundle came from: "cache", a mirror URL, "GitHub
	// attestations API", "given bundle".
	Source string
	// TrustedRoot is where the trusted root came from.
	TrustedRoot string
}

// String is one line for -v output.
func (a Attestation) String() string {
	var b strings.Builder
	b.WriteString("signed by " + a.SignerIdentity)
	if a.SourceCommit != "" {
		c := a.SourceCommit
		if len(c) > 12 {
			c = c[:12]
		}
		b.WriteString(" at commit " + c)
	}
	for _, e := range a.Evidence {
		if e.LogIndex >= 0 {
			fmt.Fprintf(&b, "; %s %s entry %d at %s", e.Kind, e.URI, e.LogIndex, e.Time.UTC().Format(time.RFC3339))
		} else {
			fmt.Fprintf(&b, "; %s %s at %s", e.Kind, e.URI, e.Time.UTC().Format(time.RFC3339))
		}
	}
	fmt.Fprintf(&b, "; bundle from %s; trusted root: %s", a.Source, a.TrustedRoot)
	return b.String()
}

// Verify finds the attestation bundle for an archive by its sha256 (hex) and
// verifies it. Bundles come from the cache, then from beside the archive on
// the mirror that served it (mirrorArchiveURL + ".sigstore.json"; pass ""
// when the archive did not come from a mirror), then from GitHub's
// attestations API. A bundle that verifies is cached.
//
// The error is an *UnavailableError (errors.Is ErrNoBundle) when no bundle
// could be obtained, a *VerificationError when one was and failed, and
// otherwise the context's error or a trusted-root problem (an unreadable
// TrustedRootPath). A cached bundle that no longer verifies is dropped and
// looked for afresh; a bundle from the mirror or the API that fails is the
// answer.
func (v *Verifier) Verify(ctx context.Context, sha256Hex, mirrorArchiveURL string) (Attestation, error) {
	return v.verify(ctx, sha256Hex, mirrorArchiveURL, true)
}

// verify is Verify; without alwaysAsk (mode auto), an API remembered as
// unreachable or rate-limited is not asked until the memory runs out.
func (v *Verifier) verify(ctx context.Context, sha256Hex, mirrorArchiveURL string, alwaysAsk bool) (Attestation, error) {
	sha, err := normDigest(sha256Hex)
	if err != nil {
		return Attestation{}, err
	}
	if att, ok, err := v.fromCache(ctx, sha); ok || err != nil {
		return att, err
	}
	var mirrorNote string
	if mirrorArchiveURL != "" {
		raw, src, note, err := v.fetchMirror(ctx, mirrorArchiveURL)
		if err != nil {
			return Attestation{}, err
		}
		if raw != nil {
			if pt, _ := predicateOf(raw); pt != v.pol.predicate {
				raw, note = nil, fmt.Sprintf("the mirror's bundle %s attests %q, not build provenance", src, pt)
			}
		}
		if raw != nil {
			att, err := v.verifyBundle(ctx, raw, sha, src)
			if err == nil {
				v.store(sha, raw)
			}
			return att, err
		}
		mirrorNote = note
	}
	att, raw, err := v.fromAPI(ctx, sha, alwaysAsk)
	if err == nil {
		v.store(sha, raw)
		return att, nil
	}
	var u *UnavailableError
	if mirrorNote != "" && errors.As(err, &u) {
		u.Reason = mirrorNote + "; " + u.Reason
	}
	return Attestation{}, err
}

// FetchBundle gets the bundle for a digest from the cache or GitHub's API
// (never a mirror), verifies it, and returns it as JSON: what `pyget mirror`
// stores beside the archive as <archive>.sigstore.json. Errors are Verify's.
func (v *Verifier) FetchBundle(ctx context.Context, sha256Hex string) ([]byte, error) {
	return v.fetchBundle(ctx, sha256Hex, true)
}

// fetchBundle is FetchBundle; alwaysAsk as verify's.
func (v *Verifier) fetchBundle(ctx context.Context, sha256Hex string, alwaysAsk bool) ([]byte, error) {
	sha, err := normDigest(sha256Hex)
	if err != nil {
		return nil, err
	}
	if raw, ok := v.readCache(sha); ok {
		if _, err := v.verifyBundle(ctx, raw, sha, "cache"); err == nil {
			return raw, nil
		} else if !isVerification(err) {
			return nil, err
		}
		v.dropCache(sha)
	}
	_, raw, err := v.fromAPI(ctx, sha, alwaysAsk)
	if err != nil {
		return nil, err
	}
	v.store(sha, raw)
	return raw, nil
}

// VerifyBundle verifies a bundle at hand (`pyget mirror --check`) against
// the archive's sha256. Errors: *VerificationError, or a trusted-root
// problem.
func (v *Verifier) VerifyBundle(bundleJSON []byte, sha256Hex string) (Attestation, error) {
	sha, err := normDigest(sha256Hex)
	if err != nil {
		return Attestation{}, err
	}
	return v.verifyBundle(context.Background(), bundleJSON, sha, "given bundle")
}

func (v *Verifier) fromCache(ctx context.Context, sha string) (Attestation, bool, error) {
	raw, ok := v.readCache(sha)
	if !ok {
		return Attestation{}, false, nil
	}
	att, err := v.verifyBundle(ctx, raw, sha, "cache")
	if err == nil {
		return att, true, nil
	}
	if !isVerification(err) {
		return Attestation{}, false, err
	}
	// Only verified bundles are cached: one that fails now (a damaged
	// file, a changed root) is no evidence either way. Look afresh.
	v.dropCache(sha)
	return Attestation{}, false, nil
}

// fromAPI asks GitHub's API and verifies what it lists; the first bundle
// that verifies wins. Candidates whose statement is not SLSA build
// provenance (an SBOM, GitHub's release attestation) are set aside unread
// by the verifier. The outcome: verified when one candidate verifies; a
// *VerificationError only when a provenance bundle was obtained and failed
// the signature or the policy and none verified; otherwise (no candidate
// could be fetched or read) an *UnavailableError.
func (v *Verifier) fromAPI(ctx context.Context, sha string, alwaysAsk bool) (Attestation, []byte, error) {
	if !alwaysAsk {
		if u := v.rememberedUnavailable(sha); u != nil {
			return Attestation{}, nil, u
		}
	}
	cands, err := v.listAPI(ctx, sha)
	v.rememberAPI(err)
	if err != nil {
		return Attestation{}, nil, err
	}
	var failed error
	var unavailable *UnavailableError
	var others []string
	for _, c := range cands {
		raw := c.bundle
		if raw == nil {
			raw, err = v.fetchBundleURL(ctx, sha, c.bundleURL)
			if err != nil {
				if ctx.Err() != nil {
					return Attestation{}, nil, ctx.Err()
				}
				if unavailable == nil {
					errors.As(err, &unavailable)
				}
				continue
			}
		}
		pt, perr := predicateOf(raw)
		if perr == nil {
			perr = isBundle(raw)
		}
		if perr != nil {
			if unavailable == nil {
				unavailable = &UnavailableError{SHA256: sha, Reason: fmt.Sprintf("an attestation from %s is not a readable Sigstore bundle: %v", v.api.Host, perr), Err: perr}
			}
			continue
		}
		if pt != v.pol.predicate {
			others = append(others, pt)
			continue
		}
		att, err := v.verifyBundle(ctx, raw, sha, "GitHub attestations API")
		if err == nil {
			return att, raw, nil
		}
		if !isVerification(err) {
			return Attestation{}, nil, err
		}
		if failed == nil {
			failed = err
		}
	}
	if failed != nil {
		return Attestation{}, nil, failed
	}
	if unavailable != nil {
		return Attestation{}, nil, unavailable
	}
	return Attestation{}, nil, &UnavailableError{SHA256: sha, StatusCode: http.StatusOK,
		Reason: fmt.Sprintf("no build-provenance attestation published (%s lists only %s)", v.api.Host, strings.Join(others, ", "))}
}

func (v *Verifier) cachePath(sha string) string {
	return filepath.Join(v.cfg.CacheDir, attest.BundleCacheDir, sha+".json")
}

func (v *Verifier) readCache(sha string) ([]byte, bool) {
	if v.cfg.CacheDir == "" {
		return nil, false
	}
	raw, err := os.ReadFile(v.cachePath(sha))
	if err != nil || len(raw) == 0 {
		return nil, false
	}
	return raw, true
}

// store caches a verified bundle; the cache is an optimisation, so a failure
// to write it is not reported.
func (v *Verifier) store(sha string, raw []byte) {
	if v.cfg.CacheDir == "" {
		return
	}
	p := v.cachePath(sha)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	_ = fsutil.WriteFile(p, raw, 0o644)
}

func (v *Verifier) dropCache(sha string) {
	if v.cfg.CacheDir != "" {
		_ = os.Remove(v.cachePath(sha))
	}
}

func normDigest(s string) (string, error) {
	s = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "sha256:"))
	if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
		return "", fmt.Errorf("sha256 %q: want 64 hex digits", s)
	}
	return s, nil
}

func isVerification(err error) bool {
	var ve *VerificationError
	return errors.As(err, &ve)
}

// Subject is a build Check decides about.
type Subject struct {
	// Name is how messages call the build, e.g.
	// "cpython-3.13.2+20250212-x86_64-unknown-linux-gnu-install_only".
	Name string
	// Release is the python-build-standalone release tag ("20250212");
	// "" when unknown (then a lookup is tried).
	Release string
	SHA256  string
	// MirrorURL is the archive's URL when a mirror served it, else "".
	MirrorURL string
}

// Outcome is what Check decided when the install may proceed.
type Outcome struct {
	Verified    bool
	Attestation Attestation
	// Warning, when set, is one line to show (mode Auto, no bundle): it
	// names the build and the reason.
	Warning string
	// Note, when set, is one line for -v: what was verified, or why
	// nothing was (mode Off, a build older than the first attested
	// release).
	Note string
}

// Check applies a mode to a build: Off makes no lookup (v may be nil);
// Auto verifies when a bundle can be had and warns when none can; Require
// needs a verified attestation. A nil error means the install may proceed;
// otherwise the error is a *CheckError naming the build (or the context's
// error), and nothing may be installed.
//
// The caller runs Check while the archive downloads (the digest is known
// from the catalog), and commits the install only after both succeed.
func (v *Verifier) Check(ctx context.Context, mode Mode, s Subject) (Outcome, error) {
	if mode == Off {
		return Outcome{Note: s.Name + ": attestation not checked (attestations off)"}, nil
	}
	if s.Release != "" && !Attested(s.Release) {
		reason := fmt.Sprintf("release %s predates python-build-standalone's attestations (first: %s)", s.Release, FirstAttestedRelease)
		if mode == Require {
			return Outcome{}, &CheckError{Name: s.Name, Mode: mode, Err: &UnavailableError{SHA256: s.SHA256, Reason: reason}}
		}
		return Outcome{Note: s.Name + ": attestation not checked: " + reason}, nil
	}
	att, err := v.verify(ctx, s.SHA256, s.MirrorURL, mode == Require)
	if err == nil {
		return Outcome{Verified: true, Attestation: att, Note: s.Name + ": attestation verified: " + att.String()}, nil
	}
	if ctx.Err() != nil {
		return Outcome{}, ctx.Err()
	}
	var u *UnavailableError
	if mode == Auto && errors.As(err, &u) {
		w := s.Name + ": attestation not verified: " + u.Reason
		if u.RateLimited && u.RetryAfter > 0 {
			w += fmt.Sprintf(" (retry after %s)", u.RetryAfter.Round(time.Second))
		}
		return Outcome{Warning: w}, nil
	}
	return Outcome{}, &CheckError{Name: s.Name, Mode: mode, Err: err}
}
