package provenance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/snappy"
)

// maxBody bounds every body read here: an attestations answer, a bundle
// (tens of KiB in practice), before and after Snappy.
const maxBody = 16 << 20

// candidate is one attestation the API listed: its bundle inline, or where
// to get it.
type candidate struct {
	bundle    []byte
	bundleURL string
}

// listAPI asks GitHub's attestations API for the digest. Every way of not
// getting a list is an *UnavailableError.
func (v *Verifier) listAPI(ctx context.Context, sha string) ([]candidate, error) {
	u := v.api.JoinPath("repos", v.cfg.Repo, "attestations", "sha256:"+sha)
	unavailable := func(status int, reason string, err error) *UnavailableError {
		return &UnavailableError{SHA256: sha, StatusCode: status, Reason: reason, TokenSent: v.cfg.Token != "", Err: err}
	}
	resp, body, err := v.get(ctx, u.String(), true)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, unavailable(0, fmt.Sprintf("GitHub's attestations API unreachable: %v", netReason(err)), err)
	}
	host := v.api.Host
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound:
		return nil, unavailable(resp.StatusCode, fmt.Sprintf("no attestation published (HTTP 404 from %s)", host), nil)
	case resp.StatusCode == http.StatusTooManyRequests || (resp.StatusCode == http.StatusForbidden && rateLimited(resp.Header)):
		e := unavailable(resp.StatusCode, fmt.Sprintf("rate-limited by %s (HTTP %d)", host, resp.StatusCode), nil)
		e.Refused, e.RateLimited = true, true
		e.RetryAfter = retryAfter(resp.Header, v.cfg.Now())
		return nil, e
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e := unavailable(resp.StatusCode, fmt.Sprintf("refused by %s (HTTP %d)", host, resp.StatusCode), nil)
		e.Refused = true
		return nil, e
	default:
		return nil, unavailable(resp.StatusCode, fmt.Sprintf("HTTP %d from %s", resp.StatusCode, host), nil)
	}

	var list struct {
		Attestations *[]struct {
			Bundle    json.RawMessage `json:"bundle"`
			BundleURL string          `json:"bundle_url"`
		} `json:"attestations"`
	}
	if err := json.Unmarshal(body, &list); err != nil || list.Attestations == nil {
		if err == nil {
			err = errors.New(`no "attestations" list`)
		}
		return nil, unavailable(resp.StatusCode, fmt.Sprintf("malformed answer from %s: %v", host, err), err)
	}
	var out []candidate
	for _, a := range *list.Attestations {
		switch {
		case len(a.Bundle) > 0 && !bytes.Equal(a.Bundle, []byte("null")):
			out = append(out, candidate{bundle: a.Bundle})
		case a.BundleURL != "":
			out = append(out, candidate{bundleURL: a.BundleURL})
		}
	}
	if len(out) == 0 {
		return nil, unavailable(resp.StatusCode, fmt.Sprintf("no attestation published (an empty list from %s)", host), nil)
	}
	return out, nil
}

// fetchBundleURL gets a bundle the API listed by URL (blob storage; the body
// is Snappy-compressed JSON).
func (v *Verifier) fetchBundleURL(ctx context.Context, sha, bundleURL string) ([]byte, error) {
	unavailable := func(reason string, err error) *UnavailableError {
		return &UnavailableError{SHA256: sha, Reason: reason, Err: err}
	}
	u, err := v.api.Parse(bundleURL)
	if err != nil {
		return nil, unavailable(fmt.Sprintf("bad bundle_url %q", bundleURL), err)
	}
	resp, body, err := v.get(ctx, u.String(), false)
	if err != nil {
		return nil, unavailable(fmt.Sprintf("bundle_url %s unreachable: %v", u.Host, netReason(err)), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unavailable(fmt.Sprintf("HTTP %d from bundle_url %s", resp.StatusCode, u.Host), nil)
	}
	raw, err := decodeBundleBody(resp.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, unavailable(fmt.Sprintf("bundle from %s: %v", u.Host, err), err)
	}
	return raw, nil
}

// fetchMirror gets <archive URL>.sigstore.json. A bundle is returned with
// its URL; no bundle there is a note (and the lookup goes on to the API).
// Only the context's end is an error.
func (v *Verifier) fetchMirror(ctx context.Context, archiveURL string) (raw []byte, source, note string, err error) {
	u, perr := url.Parse(archiveURL)
	if perr != nil {
		return nil, "", fmt.Sprintf("mirror URL %q unusable", archiveURL), nil
	}
	u.Path += ".sigstore.json"
	if u.RawPath != "" {
		u.RawPath += ".sigstore.json"
	}
	source = u.Redacted()
	if u.Scheme == "file" {
		// A mirror folder served as file:// (pyget mirror's output, read
		// in place): the bundle is a file beside the archive.
		body, ferr := os.ReadFile(filepath.FromSlash(u.Path))
		if ferr != nil {
			return nil, "", fmt.Sprintf("no bundle on the mirror (%v)", ferr), nil
		}
		raw, derr := decodeBundleBody("", body)
		if derr != nil {
			return nil, "", fmt.Sprintf("mirror bundle unreadable (%v)", derr), nil
		}
		return raw, source, "", nil
	}
	resp, body, gerr := v.get(ctx, u.String(), false)
	switch {
	case gerr != nil:
		if ctx.Err() != nil {
			return nil, "", "", ctx.Err()
		}
		return nil, "", fmt.Sprintf("mirror bundle unreachable (%v)", netReason(gerr)), nil
	case resp.StatusCode != http.StatusOK:
		return nil, "", fmt.Sprintf("no bundle on the mirror (HTTP %d)", resp.StatusCode), nil
	}
	raw, derr := decodeBundleBody(resp.Header.Get("Content-Type"), body)
	if derr != nil {
		// What the mirror serves under the bundle's name is not a
		// bundle at all (an HTML error page, say): no bundle there.
		return nil, "", fmt.Sprintf("mirror bundle unreadable (%v)", derr), nil
	}
	return raw, source, "", nil
}

// decodeBundleBody returns a bundle's JSON from a body that is JSON or
// Snappy-compressed JSON (said by Content-Type, or found by trying).
func decodeBundleBody(contentType string, body []byte) ([]byte, error) {
	snappyType := strings.Contains(strings.ToLower(contentType), "snappy")
	if !snappyType && json.Valid(body) {
		return body, nil
	}
	n, err := snappy.DecodedLen(body)
	if err != nil || n > maxBody {
		if err == nil {
			err = fmt.Errorf("decodes to %d bytes", n)
		}
		return nil, fmt.Errorf("neither JSON nor Snappy-compressed JSON: %v", err)
	}
	out, err := snappy.Decode(nil, body)
	if err != nil {
		return nil, fmt.Errorf("neither JSON nor Snappy-compressed JSON: %v", err)
	}
	if !json.Valid(out) {
		return nil, errors.New("Snappy-compressed body is not JSON")
	}
	return out, nil
}

// get makes a GET and reads the body (up to maxBody). The token goes only to
// the API's own scheme and host, and only when toAPI. A network error or a
// 5xx is tried once more after retryDelay.
func (v *Verifier) get(ctx context.Context, u string, toAPI bool) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		resp, body, err := v.getOnce(ctx, u, toAPI)
		retry := (err != nil && !errors.Is(err, errOffline)) || (err == nil && resp.StatusCode >= 500)
		if !retry || attempt == 1 || ctx.Err() != nil {
			return resp, body, err
		}
		t := time.NewTimer(v.retryDelay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (v *Verifier) getOnce(ctx context.Context, u string, toAPI bool) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	if v.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", v.cfg.UserAgent)
	}
	if toAPI {
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		if v.cfg.Token != "" && req.URL.Scheme == v.api.Scheme && req.URL.Host == v.api.Host {
			req.Header.Set("Authorization", "Bearer "+v.cfg.Token)
		}
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, nil, err
	}
	if len(body) > maxBody {
		return nil, nil, fmt.Errorf("%s: body larger than %d bytes", req.URL.Redacted(), maxBody)
	}
	return resp, body, nil
}

// rateLimited tells GitHub's 403 rate limits from other refusals.
func rateLimited(h http.Header) bool {
	return h.Get("X-RateLimit-Remaining") == "0" || h.Get("Retry-After") != ""
}

// retryAfter reads Retry-After (seconds or an HTTP date), else GitHub's
// X-RateLimit-Reset (Unix seconds) when the limit is spent; 0 when neither
// says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if s := strings.TrimSpace(h.Get("Retry-After")); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(s); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			if t := time.Unix(n, 0); t.After(now) {
				return t.Sub(now)
			}
		}
	}
	return 0
}

// netReason drops the method and URL net/http puts in front of a network
// error: messages say which host already.
func netReason(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
