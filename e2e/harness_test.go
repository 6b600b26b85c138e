package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestNginxHarness checks the mirror itself with Go's client, so a failing
// pyget test is never a broken harness: both spellings of '+' reach the asset,
// the bytes match the catalog digest, Range works, and it speaks HTTP/2.
func TestNginxHarness(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	s := startNginx(t, fixtureDir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	escaped := "/" + buildTag + "/" + a.URL[len(a.URL)-len(escapedName(a.Name)):]
	for _, path := range []string{escaped, "/" + buildTag + "/" + a.Name} {
		resp, err := s.get(ctx, path, nil)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		h := sha256.New()
		n, err := io.Copy(h, resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 {
			t.Fatalf("GET %s: %s over %s, want 200 over HTTP/2", path, resp.Status, resp.Proto)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 || n != a.Size {
			t.Fatalf("GET %s: %d bytes with sha256 %s, want %d bytes with %s", path, n, got, a.Size, a.SHA256)
		}
	}

	resp, err := s.get(ctx, escaped, map[string]string{"Range": "bytes=1000-1999"})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusPartialContent || string(body) != string(a.Data[1000:2000]) {
		t.Fatalf("Range request: %s with %d bytes, want 206 with bytes 1000-1999", resp.Status, len(body))
	}
	s.client.CloseIdleConnections()

	got := s.assetLog(t, a.Name, func(es []accessEntry) bool { return len(es) >= 3 })
	if len(got) != 3 {
		t.Fatalf("access log has %d requests for the asset, want 3: %+v", len(got), got)
	}
	if got[0].Bytes != a.Size || got[2].Range != "bytes=1000-1999" || got[2].Protocol != "HTTP/2.0" {
		t.Fatalf("access log entries do not match the requests: %+v", got)
	}
}

func escapedName(name string) string {
	out := make([]byte, 0, len(name)+4)
	for i := 0; i < len(name); i++ {
		if name[i] == '+' {
			out = append(out, "%2B"...)
			continue
		}
		out = append(out, name[i])
	}
	return string(out)
}
