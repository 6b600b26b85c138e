package faultserver

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkGet measures loopback throughput of a 64 MiB download, which
// bounds how fast fetch and archive benchmarks built on this server can go.
func BenchmarkGet(b *testing.B) {
	data := testData(64 << 20)
	for _, p := range protos {
		b.Run(p.String(), func(b *testing.B) {
			s := New(p, map[string][]byte{"/big": data})
			defer s.Close()
			c := s.Client()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				resp, err := c.Get(s.URL + "/big")
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || n != int64(len(data)) || resp.StatusCode != http.StatusOK {
					b.Fatalf("got %d bytes, status %d: %v", n, resp.StatusCode, err)
				}
			}
		})
	}
}
