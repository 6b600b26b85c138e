package provenance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/snappy"

	"github.com/pyget/pyget/internal/fetch"
)

// maxBody bounds every body read here: an attestations answer, a bundle
// (tens of KiB in practice), before and after Snappy.
const maxBody = 16 << 20

// offlineReason is why nothing is fetched under --offline.
const offlineReason = "offline (--offline, PYGET_OFFLINE)"

// maxPages bounds how many pages of the attestations API's answer are read
// (30 attestations a page): an archive has one or two.
const maxPages = 5

// candidate is one attestation the API listed: its bundle inline, or where
// to get it.
type candidate struct {
	bundle    []byte
	bundleURL string
}

// apiFinal: every 4xx but 408 is the API's answer (no attestation, a
// refusal, a rate limit that must not be waited for); 408 and 5xx are
// retried by the transfer layer.
func apiFinal(status int, _ http.Header) bool {
	return status >= 400 && status < 500 && status != http.StatusRequestTimeout
}

// tokenAllowed says whether the token may go to u: over https, or over
// plain http to a loopback address only (a local stand-in), and only to the
// API's own scheme and host.
func (v *Verifier) tokenAllowed(u *url.URL) bool {
	if v.cfg.Token == "" || u.Scheme != v.api.Scheme || !strings.EqualFold(u.Host, v.api.Host) {
		return false
	}
	return u.Scheme == "https" || isLoopback(u.Hostname())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (v *Verifier) apiHeader(u *url.URL) (http.Header, bool) {
	h := http.Header{}
	h.Set("Accept", "application/vnd.github+json")
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	v.setUserAgent(h)
	if v.tokenAllowed(u) {
		h.Set("Authorization", "Bearer "+v.cfg.Token)
		return h, true
	}
	return h, false
}

func (v *Verifier) setUserAgent(h http.Header) {
	if v.cfg.UserAgent != "" {
		h.Set("User-Agent", v.cfg.UserAgent)
	}
}

// listAPI asks GitHub's attestations API for the digest, following the
// answer's pages (Link rel="next", on the API's own host) up to maxPages.
// Every way of not getting a first page is an *UnavailableError; a later
// page that fails ends the list there.
func (v *Verifier) listAPI(ctx context.Context, sha string) ([]candidate, error) {
	u := v.api.JoinPath("repos", v.pol.repo, "attestations", "sha256:"+sha)
	host := v.api.Host
	if v.cfg.Offline {
		return nil, &UnavailableError{SHA256: sha, Reason: offlineReason}
	}
	var out []candidate
	for page := 1; ; page++ {
		header, tokenSent := v.apiHeader(u)
		unavailable := func(status int, reason string, err error) *UnavailableError {
			return &UnavailableError{SHA256: sha, StatusCode: status, Reason: reason, TokenSent: tokenSent,
				TokenWithheld: !tokenSent && v.cfg.Token != "", Err: err}
		}
		resp, err := v.transfer.GetSmall(ctx, fetch.SmallRequest{URL: u.String(), Header: header, MaxSize: maxBody, Final: apiFinal})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if page > 1 {
				return out, nil
			}
			var se *fetch.HTTPStatusError
			if errors.As(err, &se) {
				return nil, unavailable(se.Code, fmt.Sprintf("HTTP %d from %s (%s)", se.Code, host, attemptsOf(err)), err)
			}
			return nil, unavailable(0, fmt.Sprintf("GitHub's attestations API unreachable: %s", netReason(err)), err)
		}
		status := resp.StatusCode
		switch {
		case status == http.StatusOK:
		case page > 1:
			return out, nil
		case status == http.StatusNotFound:
			return nil, unavailable(status, fmt.Sprintf("no attestation published (HTTP 404 from %s)", host), nil)
		case status == http.StatusTooManyRequests || (status == http.StatusForbidden && rateLimited(resp.Header)):
			e := unavailable(status, fmt.Sprintf("rate-limited by %s (HTTP %d)", host, status), nil)
			e.Refused, e.RateLimited = true, true
			e.RetryAfter = retryAfter(resp.Header, v.cfg.Now())
			return nil, e
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			e := unavailable(status, fmt.Sprintf("refused by %s (HTTP %d)", host, status), nil)
			e.Refused = true
			return nil, e
		default:
			return nil, unavailable(status, fmt.Sprintf("HTTP %d from %s", status, host), nil)
		}

		var list struct {
			Attestations *[]struct {
				Bundle    json.RawMessage `json:"bundle"`
				BundleURL string          `json:"bundle_url"`
			} `json:"attestations"`
		}
		if err := json.Unmarshal(resp.Body, &list); err != nil || list.Attestations == nil {
			if page > 1 {
				return out, nil
			}
			if err == nil {
				err = errors.New(`no "attestations" list`)
			}
			return nil, unavailable(status, fmt.Sprintf("malformed answer from %s: %v", host, err), err)
		}
		for _, a := range *list.Attestations {
			switch {
			case len(a.Bundle) > 0 && !bytes.Equal(a.Bundle, []byte("null")):
				out = append(out, candidate{bundle: a.Bundle})
			case a.BundleURL != "":
				out = append(out, candidate{bundleURL: a.BundleURL})
			}
		}
		next := nextLink(resp.Header, u)
		if next == nil || page >= maxPages {
			break
		}
		u = next
	}
	if len(out) == 0 {
		return nil, &UnavailableError{SHA256: sha, StatusCode: http.StatusOK, TokenSent: v.tokenAllowed(u),
			Reason: fmt.Sprintf("no attestation published (an empty list from %s)", host)}
	}
	return out, nil
}

// nextLink is the Link header's rel="next" page when it is on base's own
// scheme and host (the token goes there); nil otherwise.
func nextLink(h http.Header, base *url.URL) *url.URL {
	for _, link := range h.Values("Link") {
		for _, part := range strings.Split(link, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			isNext := false
			for _, p := range strings.Split(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(k, "rel") && slices.Contains(strings.Fields(strings.Trim(val, `"`)), "next") {
					isNext = true
				}
			}
			if !isNext {
				continue
			}
			u, err := base.Parse(target[1 : len(target)-1])
			if err != nil || u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) {
				return nil
			}
			return u
		}
	}
	return nil
}

// attemptsOf is the transfer layer's count of attempts, from its message
// ("6 attempts in a row without progress: …"), for a reason line.
func attemptsOf(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, " without progress"); i > 0 {
		return msg[:i]
	}
	return "not retried"
}

// fetchBundleURL gets a bundle the API listed by URL (blob storage; the body
// is Snappy-compressed JSON). No token and no login go there.
func (v *Verifier) fetchBundleURL(ctx context.Context, sha, bundleURL string) ([]byte, error) {
	unavailable := func(reason string, err error) *UnavailableError {
		return &UnavailableError{SHA256: sha, Reason: reason, Err: err}
	}
	u, err := v.api.Parse(bundleURL)
	if err != nil {
		return nil, unavailable(fmt.Sprintf("bad bundle_url %q", bundleURL), err)
	}
	h := http.Header{}
	v.setUserAgent(h)
	resp, err := v.transfer.GetSmall(ctx, fetch.SmallRequest{URL: u.String(), Header: h, MaxSize: maxBody, Final: apiFinal})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var se *fetch.HTTPStatusError
		if errors.As(err, &se) {
			return nil, unavailable(fmt.Sprintf("HTTP %d from bundle_url %s (%s)", se.Code, u.Host, attemptsOf(err)), err)
		}
		return nil, unavailable(fmt.Sprintf("bundle_url %s unreachable: %s", u.Host, netReason(err)), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unavailable(fmt.Sprintf("HTTP %d from bundle_url %s", resp.StatusCode, u.Host), nil)
	}
	raw, err := decodeBundleBody(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return nil, unavailable(fmt.Sprintf("bundle from %s: %v", u.Host, err), err)
	}
	return raw, nil
}

// fetchMirror gets <archive URL>.sigstore.json, with the mirror's login
// (its URL's userinfo, else netrc). A Sigstore bundle is returned with its
// URL; anything else (none there, the mirror unreachable, an error page or
// a JSON error served under the bundle's name) is a note, and the lookup
// goes on to the API. Only the context's end is an error.
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
	var body []byte
	contentType := ""
	switch u.Scheme {
	case "file":
		// A mirror folder served as file:// (pyget mirror's output, read
		// in place): the bundle is a file beside the archive.
		p, perr := fetch.FileURLPath(u.String())
		if perr != nil {
			return nil, "", fmt.Sprintf("mirror URL %q unusable (%v)", u.Redacted(), perr), nil
		}
		b, ferr := os.ReadFile(p)
		if ferr != nil {
			return nil, "", fmt.Sprintf("no bundle on the mirror (%v)", ferr), nil
		}
		body = b
	case "http", "https":
		if v.cfg.Offline {
			return nil, "", "mirror bundle not fetched (" + offlineReason + ")", nil
		}
		h := http.Header{}
		v.setUserAgent(h)
		resp, gerr := v.transfer.GetSmall(ctx, fetch.SmallRequest{URL: u.String(), Header: h, Login: true, MaxSize: maxBody, Final: apiFinal})
		switch {
		case gerr != nil:
			if ctx.Err() != nil {
				return nil, "", "", ctx.Err()
			}
			return nil, "", fmt.Sprintf("mirror bundle unreachable (%s)", netReason(gerr)), nil
		case resp.StatusCode != http.StatusOK:
			return nil, "", fmt.Sprintf("no bundle on the mirror (HTTP %d)", resp.StatusCode), nil
		}
		body, contentType = resp.Body, resp.Header.Get("Content-Type")
	default:
		return nil, "", fmt.Sprintf("mirror URL %q unusable", u.Redacted()), nil
	}
	raw, derr := decodeBundleBody(contentType, body)
	if derr == nil {
		derr = isBundle(raw)
	}
	if derr != nil {
		// What the mirror serves under the bundle's name is not a
		// bundle at all (an HTML error page, a JSON error): no bundle
		// there.
		return nil, "", fmt.Sprintf("no bundle on the mirror (%s is not a Sigstore bundle: %v)", source, derr), nil
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
func netReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
