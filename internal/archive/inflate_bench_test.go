package archive

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"
)

// realArchive is the CPython install_only_stripped archive `make fixture`
// builds, when it is there: inflate speed depends on the data, and the
// synthetic tree of benchArchive compresses differently from a real build.
func realArchive(b *testing.B) []byte {
	b.Helper()
	dir := os.Getenv("PYGET_FIXTURE_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			b.Skip("no user cache dir for the fixture")
		}
		dir = filepath.Join(cache, "pyget-fixture", "3.14.6-20260610")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "20260610", "*install_only_stripped.tar.gz"))
	if len(matches) == 0 {
		b.Skip("no fixture archive (run `make fixture`)")
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// benchInputs are the archives the extraction benchmarks run on: the real
// CPython one when the fixture is present (skipped otherwise), and the
// synthetic one.
var benchInputs = []struct {
	name string
	data func(*testing.B) []byte
}{
	{"real", realArchive},
	{"synthetic", func(b *testing.B) []byte { benchArchive(b); return benchGz }},
}

// BenchmarkInflate compares the two gzip decoders on the real archive (and on
// the synthetic one); MB/s are of compressed input. pipe.go uses the faster.
func BenchmarkInflate(b *testing.B) {
	decoders := []struct {
		name string
		open func(io.Reader) (io.Reader, error)
	}{
		{"stdlib", func(r io.Reader) (io.Reader, error) { return stdgzip.NewReader(r) }},
		{"klauspost", func(r io.Reader) (io.Reader, error) { return kpgzip.NewReader(r) }},
	}
	for _, in := range benchInputs {
		for _, d := range decoders {
			b.Run(in.name+"/"+d.name, func(b *testing.B) {
				data := in.data(b)
				b.SetBytes(int64(len(data)))
				buf := make([]byte, chunkSize)
				b.ResetTimer()
				for range b.N {
					zr, err := d.open(bytes.NewReader(data))
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{zr}, buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkExtractWriters extracts with the tar reader writing every file
// itself (0) and with writer goroutines, on the real archive when present
// and on the synthetic one; MB/s are of compressed input. Compare ns/op with
// BenchmarkInflate: the goal is extraction as fast as inflate alone.
func BenchmarkExtractWriters(b *testing.B) {
	for _, in := range benchInputs {
		for _, n := range []int{0, 1, 2, 4, 8} {
			b.Run(fmt.Sprintf("%s/writers=%d", in.name, n), func(b *testing.B) {
				data := in.data(b)
				b.SetBytes(int64(len(data)))
				base := b.TempDir()
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					dest := filepath.Join(base, fmt.Sprint(i))
					if err := os.Mkdir(dest, 0o755); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if err := extract(context.Background(), bytes.NewReader(data), TarGz, dest, Limits{}, n); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					os.RemoveAll(dest)
					b.StartTimer()
				}
			})
		}
	}
}
