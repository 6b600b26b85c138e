package archive

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	benchOnce sync.Once
	benchTar  []byte
	benchGz   []byte
	benchZst  []byte
)

// benchArchive builds a python-like tree: thousands of small source files,
// a few large shared objects, some symlinks; about 40 MB uncompressed.
func benchArchive(b testing.TB) {
	benchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		words := strings.Fields("def class import return self if else for in while try except raise with as from lambda yield None True False print len range dict list str int object __init__ value name path os sys")
		text := func(n int) string {
			var sb strings.Builder
			for sb.Len() < n {
				sb.WriteString(words[rng.IntN(len(words))])
				if rng.IntN(8) == 0 {
					sb.WriteString("\n    ")
				} else {
					sb.WriteByte(' ')
				}
			}
			return sb.String()
		}
		binary := func(n int) string {
			buf := make([]byte, n)
			for i := 0; i < n; i += 4096 {
				chunk := buf[i:min(i+4096, n)]
				if rng.IntN(3) == 0 {
					for j := range chunk {
						chunk[j] = byte(rng.Uint32())
					}
				} else {
					copy(chunk, text(len(chunk)))
				}
			}
			return string(buf)
		}
		var ms []member
		for i := range 4000 {
			ms = append(ms, file(fmt.Sprintf("python/lib/python3.13/pkg%03d/mod%d.py", i/40, i), text(1000+rng.IntN(10000)), 0o644))
		}
		for i := range 6 {
			ms = append(ms, file(fmt.Sprintf("python/lib/libbig%d.so", i), binary(2<<20+rng.IntN(1<<20)), 0o755))
		}
		ms = append(ms, file("python/bin/python3.13", binary(1<<20), 0o755), symlink("python/bin/python3", "python3.13"))
		benchTar = makeTar(b, ms)
		benchGz = gz(b, benchTar)
		benchZst = zst(b, benchTar)
	})
}

func benchExtract(b *testing.B, f Format, data []byte) {
	b.SetBytes(int64(len(benchTar)))
	b.ReportAllocs()
	base := b.TempDir()
	b.ResetTimer()
	for i := range b.N {
		dest := filepath.Join(base, fmt.Sprint(i))
		b.StopTimer()
		if err := os.Mkdir(dest, 0o755); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := Extract(context.Background(), bytes.NewReader(data), f, dest, Limits{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dest)
		b.StartTimer()
	}
}

// MB/s are of uncompressed tar bytes, comparable with `tar -xzf` timings.
func BenchmarkExtractTarGz(b *testing.B) {
	benchArchive(b)
	benchExtract(b, TarGz, benchGz)
}

func BenchmarkExtractTarZst(b *testing.B) {
	benchArchive(b)
	benchExtract(b, TarZst, benchZst)
}
