package provenance

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pyget/pyget/internal/attest"
)

// ErrNoBundle is what every *UnavailableError is (errors.Is): no attestation
// bundle could be obtained for a digest, so nothing was verified, for good or
// bad.
var ErrNoBundle = errors.New("no attestation bundle available")

// UnavailableError says why no bundle could be obtained: none published
// (404), the API refused or rate-limited the request, the network failed, or
// the answer could not be read.
type UnavailableError struct {
	SHA256 string
	// Reason is one line, for a warning: "no attestation published (HTTP 404
	// from api.github.com)".
	Reason string
	// StatusCode is the attestations API's HTTP status, 0 when it gave none.
	StatusCode int
	// Refused: the API answered 401, 403 or 429; a token (or another one)
	// may get through.
	Refused bool
	// RateLimited: the refusal was a rate limit; RetryAfter is how long the
	// API asked to wait (0 when it did not say).
	RateLimited bool
	RetryAfter  time.Duration
	// TokenSent: the request carried GITHUB_TOKEN/GH_TOKEN.
	TokenSent bool
	// TokenWithheld: a token is set but was not sent, the API being plain
	// http to a host that is not loopback.
	TokenWithheld bool
	// Err is the underlying error, when there is one.
	Err error
}

func (e *UnavailableError) Error() string {
	s := fmt.Sprintf("no attestation bundle for %s: %s", shortDigest(e.SHA256), e.Reason)
	if e.RateLimited && e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return s
}

// Is makes errors.Is(err, ErrNoBundle) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrNoBundle }

func (e *UnavailableError) Unwrap() error { return e.Err }

// Hint is a line to show under the error when a token would likely help (or
// the token sent was refused); "" otherwise.
func (e *UnavailableError) Hint() string {
	if !e.Refused {
		return ""
	}
	if e.TokenWithheld {
		return "GITHUB_TOKEN/GH_TOKEN is set but was not sent: GITHUB_API_URL is plain http, and pyget sends the token over https only (or to a loopback address)"
	}
	if e.TokenSent {
		return "GitHub's API refused the token from GITHUB_TOKEN/GH_TOKEN; check that it is valid"
	}
	return "set GITHUB_TOKEN (or GH_TOKEN) to a GitHub token: unauthenticated API requests are limited to 60 an hour"
}

// VerificationError says why a bundle that was obtained does not verify:
// What did not match, what pyget wanted and what the bundle has.
type VerificationError struct {
	SHA256 string
	// Source is where the bundle came from: "cache", the mirror's bundle
	// URL, or "GitHub attestations API".
	Source string
	// What names the check that failed. Sigstore's checks: "bundle" (not
	// a readable Sigstore bundle), "signature", "certificate", "certificate
	// chain", "certificate transparency" (SCT), "transparency log",
	// "timestamp", "statement". pyget's policy (Want and Got set):
	// "certificate issuer", "signer identity", "source repository",
	// "statement", "subject digest", "predicate type"; "policy" when
	// sigstore-go refused and no named rule says why.
	What string
	// Want and Got are set for policy mismatches; Got alone carries the
	// reason for cryptographic failures.
	Want, Got string
	// Err is sigstore-go's error, when the failure came from it.
	Err error
	// Hint, when set, says what may help (a stale embedded root).
	Hint string
}

func (e *VerificationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "attestation for %s", shortDigest(e.SHA256))
	if e.Source != "" {
		fmt.Fprintf(&b, " (from %s)", e.Source)
	}
	if e.Want != "" {
		fmt.Fprintf(&b, " does not match: %s: want %s, got %s", e.What, e.Want, orNone(e.Got))
		return b.String()
	}
	fmt.Fprintf(&b, " failed verification: %s", e.What)
	if e.Got != "" {
		fmt.Fprintf(&b, ": %s", e.Got)
	}
	return b.String()
}

func (e *VerificationError) Unwrap() error { return e.Err }

// CheckError is what Check returns when an install must not proceed: it
// names the build and wraps the *VerificationError, *UnavailableError (mode
// Require) or other error that decided it.
type CheckError struct {
	Name string
	Mode Mode
	Err  error
}

func (e *CheckError) Error() string {
	var u *UnavailableError
	if e.Mode == Require && errors.As(e.Err, &u) {
		s := attest.RequiredMessage(e.Name, u.Reason)
		if u.RateLimited && u.RetryAfter > 0 {
			s += fmt.Sprintf(" (retry after %s)", u.RetryAfter.Round(time.Second))
		}
		return s
	}
	return fmt.Sprintf("%s: %v", e.Name, e.Err)
}

func (e *CheckError) Unwrap() error { return e.Err }

// Hint passes on UnavailableError.Hint or VerificationError.Hint; "" when
// there is none.
func (e *CheckError) Hint() string {
	var u *UnavailableError
	if errors.As(e.Err, &u) {
		return u.Hint()
	}
	var ve *VerificationError
	if errors.As(e.Err, &ve) {
		return ve.Hint
	}
	return ""
}

func shortDigest(hex string) string {
	if len(hex) > 12 {
		return "sha256:" + hex[:12] + "…"
	}
	return "sha256:" + hex
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
