package trampoline

import (
	"bytes"
	"testing"
)

// A trailer found is always the file's own last bytes, whatever the file.
func FuzzParseTrailer(f *testing.F) {
	f.Add(append([]byte("MZ"), Trailer("/a/b")...))
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		target, ok, err := ParseTrailer(b)
		if ok && (err != nil || target == "" || !bytes.HasSuffix(b, Trailer(target))) {
			t.Fatalf("ParseTrailer(%q) = %q, %v, %v: not the file's trailer", b, target, ok, err)
		}
	})
}
