package faultserver

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pyget/pyget/internal/testutil"
)

// setupTLS makes a fresh CA and a leaf for 127.0.0.1, ::1 and localhost.
func (s *state) setupTLS() error {
	ca, err := testutil.NewCA("pyget faultserver test CA")
	if err != nil {
		return fmt.Errorf("faultserver: %w", err)
	}
	leaf, err := ca.IssueServerCert("localhost", "127.0.0.1", "::1")
	if err != nil {
		return fmt.Errorf("faultserver: %w", err)
	}
	s.caPEM = ca.PEM()
	s.pool = ca.Pool()
	s.tlsConf = &tls.Config{
		Certificates: []tls.Certificate{leaf},
		// http/1.1 is offered too so that a client without h2 still works.
		NextProtos: []string{"h2", "http/1.1"},
		MinVersion: tls.VersionTLS12,
	}
	return nil
}

// CAPEM returns the CA certificate as PEM (nil for HTTP1).
func (s *Server) CAPEM() []byte { return s.caPEM }

func (s *state) serveTLS(raw net.Conn) {
	tc := tls.Server(raw, s.tlsConf)
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		return
	}
	raw.SetDeadline(time.Time{})
	if tc.ConnectionState().NegotiatedProtocol != "h2" {
		s.serveH1(tc, raw)
		return
	}
	s.serveH2(tc, raw)
}

func (s *state) newClient(noRetry bool) *http.Client {
	if s.proto == HTTP1 {
		return &http.Client{Transport: &http.Transport{DisableKeepAlives: noRetry}}
	}
	t := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool}, ForceAttemptHTTP2: true}
	if noRetry {
		return &http.Client{Transport: &singleUse{t: t, scheme: "https", addr: s.ln.Addr().String()}}
	}
	return &http.Client{Transport: t}
}
