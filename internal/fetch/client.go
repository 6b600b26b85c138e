package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// userAgent is sent unless Config.Header sets one.
const userAgent = "pyget"

// NewHTTPClient returns pyget's default client: proxies from HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (http.ProxyFromEnvironment), the system
// roots (which honour SSL_CERT_FILE and SSL_CERT_DIR on Linux), HTTP/2 with
// health pings after idle without a frame, no transparent decompression (the
// bytes on disk must be the bytes the digest covers), and the redirect policy
// of checkRedirect. idle <= 0 means DefaultIdleTimeout.
func NewHTTPClient(idle time.Duration) *http.Client {
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		ReadBufferSize:        64 << 10,
		WriteBufferSize:       16 << 10,
	}
	// A connection that goes quiet gets a PING; an unanswered one closes the
	// connection so every stream on it fails fast and is retried. net/http's
	// own HTTP/2 settings do this; x/net/http2's transport is not needed.
	tr.HTTP2 = &http.HTTP2Config{
		SendPingTimeout: idle,
		PingTimeout:     min(idle, 15*time.Second),
	}
	tr.Protocols = new(http.Protocols)
	tr.Protocols.SetHTTP1(true)
	tr.Protocols.SetHTTP2(true)
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

// checkRedirect follows redirects (GitHub sends release assets to a CDN)
// but never down from https to http, and never carries credentials to
// another host: net/http only compares host names, not ports.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errTooManyRedirects
	}
	if req.URL.Scheme != "https" {
		for _, v := range via {
			if v.URL.Scheme == "https" {
				return fmt.Errorf("%w: %s -> %s", ErrInsecureRedirect, v.URL.Redacted(), req.URL.Redacted())
			}
		}
	}
	if req.URL.Host != via[0].URL.Host {
		req.Header.Del("Authorization")
		req.Header.Del("Cookie")
		// Config.Header's own fields (an API key header, say) are
		// credentials too: do lists them in the request's context.
		if names, ok := req.Context().Value(privateHeadersKey{}).([]string); ok {
			for _, k := range names {
				req.Header.Del(k)
			}
		}
	}
	return nil
}

// privateHeadersKey marks, in a request's context, the names of the
// Config.Header fields that checkRedirect drops on the way to another host.
type privateHeadersKey struct{}

// withIdle runs one attempt under the idle timer: fn calls tick whenever a
// byte arrives, and IdleTimeout without one cancels the attempt, which then
// fails with an *idleError. That bounds silence, never the total time.
func (f *Fetcher) withIdle(ctx context.Context, u string, fn func(ctx context.Context, tick func()) error) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := f.cfg.IdleTimeout
	timer := time.AfterFunc(idle, func() { cancel(&idleError{idle}) })
	defer timer.Stop()
	err := fn(actx, func() { timer.Reset(idle) })
	if err != nil && ctx.Err() == nil {
		var ie *idleError
		if cause := context.Cause(actx); errors.As(cause, &ie) {
			return fmt.Errorf("GET %s: %w", u, ie)
		}
	}
	return err
}

// do is one GET of u under the idle timer, with Config.Header, the
// User-Agent and the extra headers; fn reads the response (tick on every
// byte), whose body do closes.
func (f *Fetcher) do(ctx context.Context, u string, extra http.Header, fn func(resp *http.Response, tick func()) error) error {
	return f.doWith(ctx, f.client, u, extra, fn)
}

// doWith is do with another client (segments' HTTP/1.1 one).
func (f *Fetcher) doWith(ctx context.Context, client *http.Client, u string, extra http.Header, fn func(resp *http.Response, tick func()) error) error {
	return f.withIdle(ctx, u, func(ctx context.Context, tick func()) error {
		if len(f.cfg.Header) > 0 {
			names := make([]string, 0, len(f.cfg.Header))
			for k := range f.cfg.Header {
				if !strings.EqualFold(k, "User-Agent") {
					names = append(names, k)
				}
			}
			ctx = context.WithValue(ctx, privateHeadersKey{}, names)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		for k, v := range f.cfg.Header {
			req.Header[k] = append([]string(nil), v...)
		}
		for k, v := range extra {
			req.Header[k] = v
		}
		if req.Header.Get("Authorization") == "" {
			if c, ok := f.credentialFor(req.URL); ok {
				req.SetBasicAuth(c.user, c.pass)
			}
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
		return fn(resp, tick)
	})
}

// statusError is the error for a response whose status is not wanted.
func (f *Fetcher) statusError(u string, resp *http.Response) error {
	e := &HTTPStatusError{URL: u, Code: resp.StatusCode,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), f.hooks.now())}
	if e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden {
		e.Credentials = "none"
		if resp.Request != nil && resp.Request.Header.Get("Authorization") != "" {
			e.Credentials = "an Authorization header"
			if c, ok := f.credentialFor(resp.Request.URL); ok {
				e.Credentials = "the login from " + c.from
			}
		}
	}
	return e
}
