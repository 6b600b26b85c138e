package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// DefaultMaxSmallSize bounds a SmallRequest's body when MaxSize is 0: an
// attestations answer or a Sigstore bundle is tens of KiB.
const DefaultMaxSmallSize = 16 << 20

// SmallRequest is one GET of a small document held in memory: an API
// answer, an attestation bundle, TUF metadata.
type SmallRequest struct {
	URL string
	// Header goes on the request to URL only: on a redirect, whatever the
	// target, it is dropped (a token must not follow a redirect to
	// another port or scheme of the same host, which net/http allows).
	Header http.Header
	// Login sends the login for URL's host (a mirror URL's userinfo, else
	// netrc), as a transfer from a mirror would; on a redirect only to the
	// same scheme, host and port. Without it no login is sent.
	Login bool
	// MaxSize bounds the body; 0 = DefaultMaxSmallSize.
	MaxSize int64
	// Final says which statuses other than 2xx the caller reads itself
	// (a 404, a rate limit it must not wait for): they are answered, not
	// retried. Every other status is an *HTTPStatusError, retried when
	// transient (408, 429, 5xx) within the budget.
	Final func(status int, h http.Header) bool
}

// SmallResponse is the answer to a SmallRequest: a 2xx, or a status Final
// chose.
type SmallResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// URL is where the answer came from, after redirects.
	URL *url.URL
}

// GetSmall fetches a small document through the transfers' retry loop and
// classification (Config.Retries, IdleTimeout, backoff, Retry-After), with
// the Fetcher's logins when r.Login. Only http and https URLs. A failure
// after the budget is the last attempt's error (an *HTTPStatusError for a
// status), wrapped with the count of attempts.
func (f *Fetcher) GetSmall(ctx context.Context, r SmallRequest) (*SmallResponse, error) {
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("get %s: want an http(s) URL", redact(r.URL))
	}
	if r.MaxSize <= 0 {
		r.MaxSize = DefaultMaxSmallSize
	}
	// Credentials in the URL itself would be sent by net/http on every
	// redirect: they become a login for this host like a mirror's.
	var login *credential
	if u.User != nil {
		pass, _ := u.User.Password()
		login = &credential{user: u.User.Username(), pass: pass, from: "the URL"}
		u.User = nil
	}
	if login == nil && r.Login {
		if c, ok := f.credentialFor(u); ok {
			login = &c
		}
	}
	client := *f.client
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(req, via); err != nil {
			return err
		}
		req.Header.Del("Authorization")
		req.Header.Del("Cookie")
		for k := range r.Header {
			req.Header.Del(k)
		}
		if login != nil && req.URL.Scheme == u.Scheme && req.URL.Host == u.Host {
			req.SetBasicAuth(login.user, login.pass)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Deadline)
	defer cancel()
	var out *SmallResponse
	var final error
	attempts := 0
	err = f.retryLoop(ctx, retryRun{
		attempts: &attempts,
		attempt: func(ctx context.Context) error {
			var err error
			out, err = f.smallOnce(ctx, &client, u, r, login)
			if fe, ok := err.(errSmallFinal); ok {
				// Ends the loop: see errSmallFinal.
				final = fe.err
				return nil
			}
			return err
		},
		onFault: func() Event { return Event{Name: u.Redacted(), URL: u.Redacted()} },
	})
	if err == nil && final != nil {
		return nil, final
	}
	if err != nil {
		if ctx.Err() != nil && !strings.Contains(err.Error(), u.Redacted()) {
			return nil, fmt.Errorf("get %s: %w", u.Redacted(), err)
		}
		return nil, err
	}
	return out, nil
}

func (f *Fetcher) smallOnce(ctx context.Context, client *http.Client, u *url.URL, r SmallRequest, login *credential) (*SmallResponse, error) {
	var out *SmallResponse
	var tooLarge *TooLargeError
	err := f.withIdle(ctx, u.Redacted(), func(ctx context.Context, tick func()) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return err
		}
		for k, v := range r.Header {
			req.Header[k] = append([]string(nil), v...)
		}
		if login != nil && req.Header.Get("Authorization") == "" {
			req.SetBasicAuth(login.user, login.pass)
		}
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", userAgent)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		tick()
		ok := resp.StatusCode >= 200 && resp.StatusCode < 300
		if !ok && (r.Final == nil || !r.Final(resp.StatusCode, resp.Header)) {
			return f.statusError(u.Redacted(), resp)
		}
		body, err := readSmall(resp, r.MaxSize, tick, u.Redacted())
		var tl *TooLargeError
		if errors.As(err, &tl) {
			// Not for the retry loop: the same body would come again.
			tooLarge = tl
			return nil
		}
		if err != nil {
			return err
		}
		out = &SmallResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, URL: resp.Request.URL}
		return nil
	})
	if err == nil && tooLarge != nil {
		return nil, errSmallFinal{tooLarge}
	}
	return out, err
}

// errSmallFinal is a failure the retry loop must not retry (it retries
// every error classify does not know): the attempt ends the loop and
// GetSmall returns the failure.
type errSmallFinal struct{ err error }

func (e errSmallFinal) Error() string { return e.err.Error() }

// readSmall reads a body of at most max bytes, calling tick as bytes
// arrive; a body shorter than its Content-Length is a *shortBodyError
// (transient), a longer one than max a permanent failure.
func readSmall(resp *http.Response, max int64, tick func(), u string) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, &TooLargeError{URL: u, Max: max}
	}
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(chunk)
		if n > 0 {
			tick()
			buf.Write(chunk[:n])
			if int64(buf.Len()) > max {
				return nil, &TooLargeError{URL: u, Max: max}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if resp.ContentLength >= 0 && int64(buf.Len()) != resp.ContentLength {
		return nil, &shortBodyError{URL: u, Got: int64(buf.Len()), Want: resp.ContentLength}
	}
	return buf.Bytes(), nil
}

// TooLargeError is a small document over its bound. Asking again brings
// the same body, so GetSmall does not retry it.
type TooLargeError struct {
	URL string
	Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("GET %s: body larger than %s", e.URL, HumanBytes(e.Max))
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}
