package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"testing"
)

func TestAsyncHasherMatchesSHA256(t *testing.T) {
	data := archiveData(3*copyBufSize+12345, 5)
	a := newAsyncHasher(sha256.New())
	defer a.close()
	// Odd-sized writes, some larger than a pooled buffer.
	for off, step := 0, 1; off < len(data); step = step*3 + 7 {
		end := min(off+step, len(data))
		if n, err := a.Write(data[off:end]); n != end-off || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		off = end
	}
	want := sha256.Sum256(data)
	if got := a.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Fatalf("sum %x, want %x", got, want)
	}

	// The marshalled state continues where it stopped, as after a resume.
	a.Reset()
	a.Write(data[:1000])
	state, err := a.state()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	b := newAsyncHasher(sha256.New())
	defer b.close()
	b.set(h)
	b.Write(data[1000:])
	if got := b.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Fatalf("resumed sum %x, want %x", got, want)
	}
}
