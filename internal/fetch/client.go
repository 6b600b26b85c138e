package fetch

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// NewHTTPClient returns pyget's default client: proxies from HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (http.ProxyFromEnvironment), the system
// roots (which honour SSL_CERT_FILE and SSL_CERT_DIR on Linux), HTTP/2 with
// health pings after idle without a frame, no transparent decompression (the
// bytes on disk must be the bytes the digest covers), and the redirect policy
// of checkRedirect.
func NewHTTPClient(idle time.Duration) (*http.Client, error) {
	// The error result is kept for configurations that can fail.
	if idle <= 0 {
		idle = defaultIdleTimeout
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
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}, nil
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
	}
	return nil
}
