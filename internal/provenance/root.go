package provenance

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tuf"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/fsutil"
)

// embeddedRoot is Sigstore's public-good trusted root
// (sigstore/root-signing targets/trusted_root.json; see
// embedded/README.md), used when TUF cannot be reached and has no valid
// cache.
//
//go:embed embedded/trusted_root.json
var embeddedRoot []byte

const (
	// tufFailureMemory is how long a failed TUF update is remembered
	// (<cache>/sigstore-tuf/update-failed.json): until then, runs go
	// straight to the cached or embedded root.
	tufFailureMemory = time.Hour
	// tufTimeout bounds the whole TUF update (a handful of small files
	// from Sigstore's CDN); past it the cache or the embedded copy is used.
	tufTimeout = 8 * time.Second
	// tufCacheDays: a TUF update at most once a day (unless the cached
	// metadata expires sooner).
	tufCacheDays = 1
)

// trust is a loaded trusted root and the sigstore-go verifier built on it.
type trust struct {
	verifier *verify.Verifier
	// source says where the root came from: "file <path>", "TUF",
	// "TUF cache (…)", "embedded copy (TUF: …)".
	source string
	// newestKey is when the root's newest key became valid.
	newestKey time.Time
}

// trusted returns the trusted root, loading it on first use (once per
// Verifier). The load runs detached from ctx, so that one caller giving up
// does not leave every later one with a fallback; the caller stops waiting
// when ctx ends.
func (v *Verifier) trusted(ctx context.Context) (*trust, error) {
	v.trustOnce.Do(func() {
		go func() {
			v.trust, v.trustErr = v.loadTrust()
			close(v.trustDone)
		}()
	})
	select {
	case <-v.trustDone:
		return v.trust, v.trustErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (v *Verifier) loadTrust() (*trust, error) {
	if p := v.cfg.TrustedRootPath; p != "" {
		tr, err := root.NewTrustedRootFromPath(p)
		if err != nil {
			return nil, fmt.Errorf("trusted root %s: %w", p, err)
		}
		return newTrust(tr, "file "+p)
	}
	tr, source, tufErr := v.tufRoot()
	if tufErr == nil {
		return newTrust(tr, source)
	}
	tr, err := root.NewTrustedRootFromJSON(embeddedRoot)
	if err != nil {
		return nil, fmt.Errorf("embedded trusted root: %w", err)
	}
	return newTrust(tr, fmt.Sprintf("embedded copy (TUF: %v)", tufErr))
}

// newTrust builds the verifier for a root. Every signature needs an observer
// timestamp (a transparency-log integrated time or an RFC 3161 timestamp)
// inside the certificate's validity: the current time never stands in. A
// root that lists transparency logs (the public-good one does) makes a log
// entry mandatory; one that lists CT logs makes an SCT in the certificate
// mandatory. A private root without them (GitHub's own instance, tests)
// still needs the timestamp.
func newTrust(tm root.TrustedMaterial, source string) (*trust, error) {
	opts := []verify.VerifierOption{verify.WithObserverTimestamps(1), verify.WithoutStatementPredicate()}
	if len(tm.RekorLogs()) > 0 {
		opts = append(opts, verify.WithTransparencyLog(1))
	}
	if len(tm.CTLogs()) > 0 {
		opts = append(opts, verify.WithSignedCertificateTimestamps(1))
	}
	sv, err := verify.NewVerifier(tm, opts...)
	if err != nil {
		return nil, fmt.Errorf("sigstore verifier (%s): %w", source, err)
	}
	return &trust{verifier: sv, source: source, newestKey: newestKeyStart(tm)}, nil
}

// tufRoot gets trusted_root.json through sigstore-go's TUF client, starting
// from the TUF root sigstore-go embeds: online first (at most once a day,
// bounded by tufTimeout), then from the cache alone.
func (v *Verifier) tufRoot() (*root.TrustedRoot, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), v.tufTimeout)
	defer cancel()
	opts := &tuf.Options{
		Root:              tuf.DefaultRoot(),
		RepositoryBaseURL: v.tufMirror,
		CacheValidity:     tufCacheDays,
		Fetcher:           &tufFetcher{ctx: ctx, transfer: v.transfer, userAgent: v.cfg.UserAgent},
	}
	if v.cfg.CacheDir == "" {
		opts.DisableLocalCache = true
	} else {
		opts.CachePath = filepath.Join(v.cfg.CacheDir, attest.TUFCacheDir)
		dir := filepath.Join(opts.CachePath, tuf.URLToPath(v.tufMirror))
		if err := os.MkdirAll(filepath.Join(dir, "targets"), 0o755); err != nil {
			opts.DisableLocalCache = true
		}
	}
	var err error
	switch failed, ok := v.tufFailure(); {
	case v.cfg.Offline:
		err = errors.New(offlineReason)
	case ok:
		// Tried and failed not long ago: no second wait for an update
		// service that is probably still out of reach.
		err = fmt.Errorf("update skipped: it failed %s ago (%s); next try after %s",
			v.cfg.Now().Sub(failed.Time).Round(time.Second), failed.Error, failed.Time.Add(tufFailureMemory).UTC().Format(time.RFC3339))
	default:
		var tr *root.TrustedRoot
		if tr, err = tufTrustedRoot(opts); err == nil {
			v.forgetTUFFailure()
			return tr, "TUF", nil
		}
		v.rememberTUFFailure(err)
	}
	if opts.DisableLocalCache {
		return nil, "", err
	}
	offline := *opts
	offline.ForceCache = true
	offline.Fetcher = offlineFetcher{}
	if tr, cerr := tufTrustedRoot(&offline); cerr == nil {
		return tr, fmt.Sprintf("TUF cache (TUF: %v)", err), nil
	}
	return nil, "", err
}

func tufTrustedRoot(opts *tuf.Options) (*root.TrustedRoot, error) {
	c, err := tuf.New(opts)
	if err != nil {
		return nil, err
	}
	return root.GetTrustedRoot(c)
}

// tufFetcher is go-tuf's Fetcher over the transfer layer (its retry loop
// and classification), bounded by ctx.
type tufFetcher struct {
	ctx       context.Context
	transfer  *fetch.Fetcher
	userAgent string
}

func (f *tufFetcher) DownloadFile(u string, maxLength int64, _ time.Duration) ([]byte, error) {
	h := http.Header{}
	if f.userAgent != "" {
		h.Set("User-Agent", f.userAgent)
	}
	// go-tuf asks for root versions until one is missing: a 403 or 404
	// is an answer, not a fault.
	final := func(status int, _ http.Header) bool {
		return status == http.StatusNotFound || status == http.StatusForbidden
	}
	resp, err := f.transfer.GetSmall(f.ctx, fetch.SmallRequest{URL: u, Header: h, MaxSize: maxLength, Final: final})
	var tl *fetch.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s is larger than %d bytes", u, maxLength)}
	case err != nil:
		return nil, err
	case resp.StatusCode != http.StatusOK:
		return nil, &metadata.ErrDownloadHTTP{StatusCode: resp.StatusCode, URL: u}
	}
	return resp.Body, nil
}

// offlineFetcher makes the cache-only TUF client fail rather than reach out.
type offlineFetcher struct{}

func (offlineFetcher) DownloadFile(u string, _ int64, _ time.Duration) ([]byte, error) {
	return nil, fmt.Errorf("offline: not fetching %s", u)
}

// tufFailed is a failed TUF update, remembered in the cache.
type tufFailed struct {
	Time  time.Time `json:"time"`
	Error string    `json:"error"`
}

func (v *Verifier) tufFailurePath() string {
	return filepath.Join(v.cfg.CacheDir, attest.TUFCacheDir, "update-failed.json")
}

// tufFailure is the remembered failure when it is recent enough to skip the
// update; false when there is none (or no cache).
func (v *Verifier) tufFailure() (tufFailed, bool) {
	if v.cfg.CacheDir == "" {
		return tufFailed{}, false
	}
	raw, err := os.ReadFile(v.tufFailurePath())
	if err != nil {
		return tufFailed{}, false
	}
	var f tufFailed
	if json.Unmarshal(raw, &f) != nil {
		return tufFailed{}, false
	}
	age := v.cfg.Now().Sub(f.Time)
	return f, age >= 0 && age < tufFailureMemory
}

func (v *Verifier) rememberTUFFailure(err error) {
	if v.cfg.CacheDir == "" {
		return
	}
	raw, _ := json.Marshal(tufFailed{Time: v.cfg.Now().UTC(), Error: err.Error()})
	p := v.tufFailurePath()
	if os.MkdirAll(filepath.Dir(p), 0o755) == nil {
		_ = fsutil.WriteFile(p, raw, 0o644)
	}
}

func (v *Verifier) forgetTUFFailure() {
	if v.cfg.CacheDir != "" {
		_ = os.Remove(v.tufFailurePath())
	}
}

// newestKeyStart is when the newest key a trusted root lists became valid:
// a signature made with a key after it cannot verify against that root.
func newestKeyStart(tm root.TrustedMaterial) time.Time {
	var newest time.Time
	later := func(t time.Time) {
		if t.After(newest) {
			newest = t
		}
	}
	for _, ca := range tm.FulcioCertificateAuthorities() {
		if f, ok := ca.(*root.FulcioCertificateAuthority); ok {
			later(f.ValidityPeriodStart)
		}
	}
	for _, ta := range tm.TimestampingAuthorities() {
		if s, ok := ta.(*root.SigstoreTimestampingAuthority); ok {
			later(s.ValidityPeriodStart)
		}
	}
	for _, l := range tm.RekorLogs() {
		later(l.ValidityPeriodStart)
	}
	for _, l := range tm.CTLogs() {
		later(l.ValidityPeriodStart)
	}
	return newest
}

// DescribeTrustedRoot says, without any request, which trusted root a
// verification would start from and how old it is (pyget --version -v).
func (v *Verifier) DescribeTrustedRoot() string {
	now := v.cfg.Now()
	if p := v.cfg.TrustedRootPath; p != "" {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Sprintf("file %s (PYGET_SIGSTORE_TRUSTED_ROOT): %v", p, err)
		}
		return fmt.Sprintf("file %s (PYGET_SIGSTORE_TRUSTED_ROOT), modified %s", p, ago(now, fi.ModTime()))
	}
	var s string
	if v.cfg.CacheDir != "" {
		p := filepath.Join(v.cfg.CacheDir, attest.TUFCacheDir, tuf.URLToPath(v.tufMirror), "targets", "trusted_root.json")
		if fi, err := os.Stat(p); err == nil {
			s = fmt.Sprintf("Sigstore public-good through TUF (%s), last updated %s", v.tufMirror, ago(now, fi.ModTime()))
		}
	}
	if s == "" {
		s = "Sigstore public-good, " + embeddedDescription(now) + " (no TUF update cached yet)"
	}
	if f, ok := v.tufFailure(); ok {
		s += fmt.Sprintf("; the last TUF update failed %s (%s): retried after %s", ago(now, f.Time), f.Error, f.Time.Add(tufFailureMemory).UTC().Format(time.RFC3339))
	}
	return s
}

// embeddedDescription names the embedded root by its newest key's start.
func embeddedDescription(now time.Time) string {
	tr, err := root.NewTrustedRootFromJSON(embeddedRoot)
	if err != nil {
		return "the copy built into pyget-attest (unreadable: " + err.Error() + ")"
	}
	return fmt.Sprintf("the copy built into pyget-attest (newest key from %s, %s)", newestKeyStart(tr).UTC().Format("2006-01-02"), ago(now, newestKeyStart(tr)))
}

func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return t.UTC().Format(time.RFC3339)
	case d < time.Minute:
		return "just now"
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}
