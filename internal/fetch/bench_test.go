package fetch

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/pyget/pyget/internal/faultserver"
)

// benchTransfer measures a clean download of size bytes with a consumer
// reading concurrently, as an install does.
func benchTransfer(b *testing.B, proto faultserver.Proto, size int) {
	data := archiveData(size, 99)
	srv := faultserver.New(proto, map[string][]byte{matrixPath: data})
	defer srv.Close()
	f, _, _ := newTestFetcher(b, Config{Client: faultClient(b, srv, 0)})
	tg := Target{URL: srv.URL + matrixPath, SHA256: sha(data), Size: int64(size)}
	buf := make([]byte, 256<<10)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		s, err := f.Start(context.Background(), tg)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.CopyBuffer(io.Discard, onlyReader{s.NewReader()}, buf)
		if err != nil || n != int64(size) {
			b.Fatalf("read %d: %v", n, err)
		}
		res, err := s.Wait()
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		b.StopTimer()
		os.Remove(res.Path)
		b.StartTimer()
	}
}

type onlyReader struct{ io.Reader }

func BenchmarkTransferHTTP1(b *testing.B) { benchTransfer(b, faultserver.HTTP1, 32<<20) }
func BenchmarkTransferHTTP2(b *testing.B) { benchTransfer(b, faultserver.HTTP2, 32<<20) }

// BenchmarkTransferFile is the local-disk path (file:// mirror).
func BenchmarkTransferFile(b *testing.B) {
	const size = 32 << 20
	data := archiveData(size, 98)
	p := b.TempDir() + "/a.tar.gz"
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	f, _, _ := newTestFetcher(b, Config{})
	tg := Target{URL: "file://" + p, SHA256: sha(data)}
	b.SetBytes(size)
	for b.Loop() {
		res, _, err := fetchRead(context.Background(), f, tg)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.Remove(res.Path)
		b.StartTimer()
	}
}
