package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fuzzPartialBytes is the partial file's content for a size.
func fuzzPartialBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// hashStateOf is sha256's saved state after b, as a sidecar holds it.
func hashStateOf(b []byte) []byte {
	h := sha256.New()
	h.Write(b)
	state, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic(err)
	}
	return state
}

const fuzzPartialURL = "https://example.invalid/cpython.tar.gz"

var fuzzPartialSHA = hex.EncodeToString(make([]byte, 32))

// FuzzSidecar checks how a partial is picked up from a sidecar of any
// content beside a partial of any size: no panic; the offset stays within
// the file; segments, when kept, partition [offset, total) in order with
// their written bytes inside each and on disk (a segment not begun may lie
// past the file's end); without a usable sidecar and no digest
// the bytes are discarded, and with a digest they are hashed; and the
// sidecar save writes is picked up again as the same state.
func FuzzSidecar(f *testing.F) {
	data := fuzzPartialBytes(1000)
	seed := func(sc sidecar, fileSize uint16, digest bool, targetSize int64) {
		raw, err := json.Marshal(sc)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw, fileSize, digest, targetSize)
	}
	one := sidecar{Target: fuzzPartialURL, SHA256: fuzzPartialSHA, URL: fuzzPartialURL + "?m", ETag: `"v1"`,
		Total: 1000, Offset: 400, HashState: hashStateOf(data[:400])}
	seed(one, 400, true, 1000)
	seed(one, 300, true, 0) // the sidecar claims more than the file holds
	noDigest := one
	noDigest.SHA256 = ""
	seed(noDigest, 600, false, 0)
	seg := one
	seg.Offset = 100
	seg.HashState = hashStateOf(data[:100])
	seg.Segments = []sidecarSegment{{100, 400, 300}, {400, 700, 50}, {700, 1000, 0}}
	seed(seg, 750, true, 1000)
	seg0 := seg
	seg0.Offset, seg0.HashState = 0, hashStateOf(nil)
	seg0.Segments = []sidecarSegment{{0, 500, 10}, {500, 1000, 20}}
	seed(seg0, 520, true, 0)
	bad := seg
	bad.Segments = []sidecarSegment{{100, 400, 500}, {300, 1000, 0}}
	seed(bad, 900, true, 1000)
	f.Add([]byte(`{"offset":5,"hash_state":"AAAA"}`), uint16(10), false, int64(0))
	f.Add([]byte(`not json`), uint16(10), true, int64(0))

	f.Fuzz(func(t *testing.T, side []byte, fileSize uint16, digest bool, targetSize int64) {
		if targetSize < 0 {
			targetSize = 0
		}
		dir := t.TempDir()
		tg := Target{URL: fuzzPartialURL, Size: targetSize}
		if digest {
			tg.SHA256 = fuzzPartialSHA
		}
		key := partialKey(tg)
		content := fuzzPartialBytes(int(fileSize))
		if err := os.WriteFile(filepath.Join(dir, key+".part"), content, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, key+".json"), side, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := openPartial(dir, tg)
		if err != nil {
			t.Fatalf("openPartial: %v", err)
		}
		defer func() {
			if p.file != nil {
				p.file.Close()
			}
			p.close()
		}()
		fi, err := p.file.Stat()
		if err != nil {
			t.Fatal(err)
		}
		size := fi.Size()
		if p.off < 0 || p.off > size {
			t.Fatalf("offset %d outside the file of %d bytes", p.off, size)
		}
		if !bytes.Equal(content[:size], mustRead(t, p.path)) {
			t.Fatal("loading changed the partial's bytes")
		}
		if targetSize > 0 && p.total != targetSize {
			t.Fatalf("total %d, the target says %d", p.total, targetSize)
		}
		if p.segs != nil {
			at := p.off
			for _, g := range p.segs {
				if g.start != at || g.end <= g.start || g.written < 0 || g.written > g.end-g.start ||
					(g.written > 0 && g.start+g.written > size) {
					t.Fatalf("segments %s do not partition [%d, %d) within the file of %d bytes", segsString(p.segs), p.off, p.total, size)
				}
				at = g.end
			}
			if at != p.total {
				t.Fatalf("segments %s end at %d, total %d", segsString(p.segs), at, p.total)
			}
		}
		var sc sidecar
		usable := json.Unmarshal(side, &sc) == nil && sc.Offset > 0 && sc.Offset <= int64(fileSize) &&
			(digest && sc.SHA256 == fuzzPartialSHA || !digest && sc.SHA256 == "" && sc.Target == fuzzPartialURL)
		if !usable && len(sc.Segments) == 0 {
			switch {
			case !digest && (p.off != 0 || size != 0):
				t.Fatalf("no usable sidecar, no digest: %d bytes kept (offset %d)", size, p.off)
			case digest && (p.off != size || p.digest() != hex.EncodeToString(sha256Of(content))):
				t.Fatalf("no usable sidecar: the file's %d bytes were not hashed (offset %d)", size, p.off)
			}
		}

		// What save writes, the next run picks up unchanged.
		p.save()
		if _, err := os.Stat(p.side); err != nil {
			return // nothing to resume from: no sidecar written
		}
		off, total, segs := p.off, p.total, segsString(p.segs)
		p.file.Close()
		p.file = nil
		q, err := openPartial(dir, tg)
		if err != nil {
			t.Fatalf("reopening: %v", err)
		}
		defer func() {
			q.file.Close()
			q.close()
		}()
		if q.off != off || q.total != total || segsString(q.segs) != segs {
			t.Fatalf("saved state offset %d total %d segments %s reloads as offset %d total %d segments %s",
				off, total, segs, q.off, q.total, segsString(q.segs))
		}
	})
}

func sha256Of(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// segsString spells segments as the sidecar does, for comparing and messages.
func segsString(segs []*segment) string {
	var l []sidecarSegment
	for _, g := range segs {
		l = append(l, sidecarSegment{Start: g.start, End: g.end, Written: g.written})
	}
	out, _ := json.Marshal(l)
	return string(out)
}
