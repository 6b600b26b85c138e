package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pyget/pyget/internal/fsutil"
)

// HTTPStatusError is a response whose status is not a success. 408, 429 and
// 5xx are transient; every other code is permanent.
type HTTPStatusError struct {
	URL        string
	Code       int
	RetryAfter time.Duration // the server's Retry-After, capped at 60 s; 0 if none
	// Credentials says, for a 401 or 403, what was sent: "none", or where
	// the login came from ("the login from /home/me/.netrc").
	Credentials string
}

func (e *HTTPStatusError) Error() string {
	msg := fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
	switch e.Credentials {
	case "":
	case "none":
		msg += " (no credentials were sent)"
	default:
		msg += " (" + e.Credentials + " was sent)"
	}
	return msg
}

// AuthFailed reports whether the server refused access (401, 403).
func (e *HTTPStatusError) AuthFailed() bool {
	return e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden
}

// Temporary reports whether the status is worth retrying.
func (e *HTTPStatusError) Temporary() bool {
	return e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests || e.Code >= 500
}

// DigestError is a complete body whose sha256 is not the expected one.
type DigestError struct {
	Name string
	Want string
	Got  string

	// again marks a first mismatch in a transfer: the partial was
	// discarded and the body is fetched once more from zero, so the
	// mismatch is transient (classify). A DigestError without it is final.
	again bool
}

func (e *DigestError) Error() string {
	msg := fmt.Sprintf("%s: sha256 mismatch: want %s, got %s", e.Name, e.Want, e.Got)
	if e.again {
		msg += "; downloading again from zero"
	}
	return msg
}

// SourceError is the failure of one URL (one mirror) of a transfer.
type SourceError struct {
	URL string
	Err error
}

func (e *SourceError) Error() string {
	// An HTTP status error already names the URL; saying it twice only
	// makes the line harder to read.
	var he *HTTPStatusError
	if errors.As(e.Err, &he) && he.URL == e.URL {
		return e.Err.Error()
	}
	return e.URL + ": " + e.Err.Error()
}
func (e *SourceError) Unwrap() error { return e.Err }

// TransferError is a transfer that failed on every source; it lists each
// source's failure. errors.As finds the *HTTPStatusError or *DigestError
// inside.
type TransferError struct {
	Name    string
	Sources []*SourceError
}

func (e *TransferError) Error() string {
	if len(e.Sources) == 1 {
		return fmt.Sprintf("download %s: %v", e.Name, e.Sources[0])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "download %s: all %d sources failed:", e.Name, len(e.Sources))
	for _, s := range e.Sources {
		b.WriteString("\n  ")
		b.WriteString(s.Error())
	}
	return b.String()
}

func (e *TransferError) Unwrap() []error {
	errs := make([]error, len(e.Sources))
	for i, s := range e.Sources {
		errs[i] = s
	}
	return errs
}

// ErrInsecureRedirect is a redirect from https to http, which is refused.
var ErrInsecureRedirect = errors.New("refusing redirect from https to http")

// errTooManyRedirects is a redirect loop: a server misconfiguration that
// retrying does not fix.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

// errClosed is what readers of a closed Stream get.
var errClosed = errors.New("read from a closed download stream")

// NotArchiveError is a 200/206 response whose body is not the archive, such
// as an HTML error page from a proxy or a CDN. It is transient.
type NotArchiveError struct {
	URL    string
	Reason string
}

func (e *NotArchiveError) Error() string {
	return fmt.Sprintf("GET %s: response is not the archive: %s", e.URL, e.Reason)
}

// idleError is an attempt that received no byte for the idle timeout.
type idleError struct{ d time.Duration }

func (e *idleError) Error() string   { return fmt.Sprintf("no data received for %v", e.d) }
func (e *idleError) Timeout() bool   { return true }
func (e *idleError) Temporary() bool { return true }

// rangeError is a resumed request answered with a range that does not
// continue the partial file (416, a wrong Content-Range); the partial was
// discarded and the next attempt starts from zero.
type rangeError struct {
	URL    string
	Detail string
}

func (e *rangeError) Error() string {
	return fmt.Sprintf("GET %s: cannot resume: %s; restarting from zero", e.URL, e.Detail)
}

// shortBodyError is a body that ended before its announced length.
type shortBodyError struct {
	URL       string
	Got, Want int64
}

func (e *shortBodyError) Error() string {
	return fmt.Sprintf("GET %s: body ended at byte %d of %d", e.URL, e.Got, e.Want)
}
func (e *shortBodyError) Unwrap() error { return io.ErrUnexpectedEOF }

// localError marks a failure of the cache directory's disk: no retry and no
// mirror can fix it.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

func local(err error) error {
	if err == nil {
		return nil
	}
	return &localError{err}
}

// verdict is what to do after an attempt failed.
type verdict int

const (
	// retry: a transient failure; the same source is tried again, within
	// the retry loop's budget.
	retry verdict = iota
	// nextSource: this source cannot serve the archive (an HTTP 4xx, a bad
	// certificate, a final digest mismatch, a missing file:// file); the
	// next mirror is tried, continuing from the bytes on disk.
	nextSource
	// stop: nothing can help (the caller cancelled, the deadline passed,
	// the cache's disk failed); the transfer ends.
	stop
)

// classify is the one place that decides whether a failure is retried. It
// walks the whole chain (errors.Is/As) and lists the permanent conditions
// explicitly: every error it does not recognise is transient, because
// listing the transient ones instead always misses one.
func classify(err error) verdict {
	var (
		le *localError
		se *HTTPStatusError
		de *DigestError
	)
	switch {
	case errors.Is(err, context.Canceled),
		// net's timeouts also claim to be context.DeadlineExceeded; only
		// the context's own deadline ends the transfer.
		errors.Is(err, context.DeadlineExceeded) && !isNetTimeout(err),
		errors.As(err, &le):
		return stop
	case errors.As(err, &se):
		if se.Temporary() {
			return retry
		}
		return nextSource
	case errors.As(err, &de):
		if de.again {
			return retry
		}
		return nextSource
	case isCertError(err),
		errors.Is(err, ErrInsecureRedirect), errors.Is(err, errTooManyRedirects),
		// A file:// mirror's own problems: its disk is not the cache's.
		fsutil.IsDiskFull(err), errors.Is(err, fs.ErrPermission),
		errors.Is(err, fs.ErrNotExist):
		return nextSource
	}
	return retry
}

// IsPermanent reports whether the verdict of classify, the one
// classification the transfers act on, is not "retry" for err (any error
// chain): trying the same source again cannot help, so a transfer moves to
// the next source or stops. A nil error is not permanent.
func IsPermanent(err error) bool {
	return err != nil && classify(err) != retry
}

func isNetTimeout(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Timeout() {
		return true
	}
	var ie *idleError
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ie)
}

func isCertError(err error) bool {
	var (
		cve  *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		he   x509.HostnameError
		ci   x509.CertificateInvalidError
		sr   x509.SystemRootsError
		cv   x509.ConstraintViolationError
		uce  x509.UnhandledCriticalExtension
		inse x509.InsecureAlgorithmError
	)
	return errors.As(err, &cve) || errors.As(err, &ua) || errors.As(err, &he) ||
		errors.As(err, &ci) || errors.As(err, &sr) || errors.As(err, &cv) ||
		errors.As(err, &uce) || errors.As(err, &inse)
}

// parseRetryAfter reads a Retry-After value (delay-seconds or HTTP-date),
// capped at 60 s so one header cannot park an install for hours.
func parseRetryAfter(v string, now time.Time) time.Duration {
	const maxRetryAfter = 60 * time.Second
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0
	}
	return max(0, min(d, maxRetryAfter))
}

// describe names a recovered fault for a human: "stream reset",
// "connection reset", "HTTP 503".
func describe(err error) string {
	var (
		se *HTTPStatusError
		ie *idleError
		na *NotArchiveError
		re *rangeError
		sb *shortBodyError
		de *DigestError
	)
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		// Said plainly: offline, every attempt fails the same way, and
		// whoever waits for the retries should know why.
		return fmt.Sprintf("cannot resolve %s (offline?)", dns.Name)
	case errors.As(err, &se):
		return fmt.Sprintf("HTTP %d", se.Code)
	case errors.As(err, &ie):
		return fmt.Sprintf("stalled (no data for %v)", ie.d)
	case errors.As(err, &na):
		return "not the archive (" + na.Reason + ")"
	case errors.As(err, &re):
		return "cannot resume (" + re.Detail + ")"
	case errors.As(err, &de):
		return "sha256 mismatch"
	case isConnReset(err):
		return "connection reset"
	case isConnRefused(err):
		return "connection refused"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.As(err, &sb), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed early"
	case isNetTimeout(err):
		return "timeout"
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "stream error"):
		return "stream reset"
	case strings.Contains(msg, "GOAWAY"):
		return "connection closed by server (GOAWAY)"
	}
	if len(msg) > 120 {
		msg = msg[:117] + "..."
	}
	return msg
}

// HumanBytes formats n as "12.4 MiB", as transfer messages and the cache's
// reports do.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
