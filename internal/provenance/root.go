package provenance

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tuf"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// embeddedRoot is Sigstore's public-good trusted root
// (sigstore/root-signing targets/trusted_root.json; see
// embedded/README.md), used when TUF cannot be reached and has no valid
// cache.
//
//go:embed embedded/trusted_root.json
var embeddedRoot []byte

const (
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
	// "TUF cache", "embedded copy".
	source string
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
	return &trust{verifier: sv, source: source}, nil
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
		Fetcher:           &tufFetcher{ctx: ctx, client: v.client, userAgent: v.cfg.UserAgent},
	}
	if v.cfg.CacheDir == "" {
		opts.DisableLocalCache = true
	} else {
		opts.CachePath = filepath.Join(v.cfg.CacheDir, "sigstore-tuf")
		dir := filepath.Join(opts.CachePath, tuf.URLToPath(v.tufMirror))
		if err := os.MkdirAll(filepath.Join(dir, "targets"), 0o755); err != nil {
			opts.DisableLocalCache = true
		}
	}
	tr, err := tufTrustedRoot(opts)
	if err == nil {
		return tr, "TUF", nil
	}
	if opts.DisableLocalCache {
		return nil, "", err
	}
	offline := *opts
	offline.ForceCache = true
	offline.Fetcher = offlineFetcher{}
	if tr, cerr := tufTrustedRoot(&offline); cerr == nil {
		return tr, "TUF cache", nil
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

// tufFetcher is go-tuf's Fetcher over pyget's HTTP client, bounded by ctx.
type tufFetcher struct {
	ctx       context.Context
	client    *http.Client
	userAgent string
}

func (f *tufFetcher) DownloadFile(u string, maxLength int64, _ time.Duration) ([]byte, error) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if f.userAgent != "" {
		req.Header.Set("User-Agent", f.userAgent)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &metadata.ErrDownloadHTTP{StatusCode: resp.StatusCode, URL: u}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLength+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxLength {
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s is larger than %d bytes", u, maxLength)}
	}
	return data, nil
}

// offlineFetcher makes the cache-only TUF client fail rather than reach out.
type offlineFetcher struct{}

func (offlineFetcher) DownloadFile(u string, _ int64, _ time.Duration) ([]byte, error) {
	return nil, fmt.Errorf("offline: not fetching %s", u)
}
