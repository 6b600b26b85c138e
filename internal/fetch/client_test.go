package fetch

import (
	"net/http"
	"testing"
	"time"
)

// The default client pings a quiet HTTP/2 connection after the idle timeout
// and drops it when the ping goes unanswered, so a dead connection is
// noticed even between streams.
func TestHTTPClientHealthPings(t *testing.T) {
	for _, c := range []struct{ idle, send, wait time.Duration }{
		{2 * time.Second, 2 * time.Second, 2 * time.Second},
		{time.Minute, time.Minute, 15 * time.Second},
		{0, defaultIdleTimeout, 15 * time.Second},
	} {
		cl, err := NewHTTPClient(c.idle)
		if err != nil {
			t.Fatal(err)
		}
		tr := cl.Transport.(*http.Transport)
		if tr.HTTP2 == nil || tr.HTTP2.SendPingTimeout != c.send || tr.HTTP2.PingTimeout != c.wait {
			t.Errorf("idle %v: HTTP/2 config %+v, want pings after %v, %v to answer", c.idle, tr.HTTP2, c.send, c.wait)
		}
		if !tr.Protocols.HTTP2() || tr.Proxy == nil {
			t.Errorf("idle %v: HTTP/2 off or no proxy from the environment", c.idle)
		}
	}
}
