package catalog

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// addTestdata seeds f with every catalog file in testdata, the ones the
// parser's tests read.
func addTestdata(f *testing.F) [][]byte {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no catalog fixtures: %v", err)
	}
	var all [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		all = append(all, data)
	}
	return all
}

// FuzzParse checks the catalog parser on any document: no panic; a
// failure is a *FormatError naming the source; a catalog that parses has
// sorted, distinct, valid entries, and writing it back in uv's format
// (EncodeUV) and in the compact form both read back to the same entries.
func FuzzParse(f *testing.F) {
	for _, data := range addTestdata(f) {
		f.Add(data)
	}
	f.Add([]byte(`{"k":{"name":"cpython","arch":{"family":"x86_64"},"os":"linux","libc":"gnu","major":3,"minor":1,"patch":2,"url":"u","prerelease":"rc1"}}`))
	f.Fuzz(checkParsed)
}

// checkParsed holds Parse's answer on data to FuzzParse's properties.
func checkParsed(t *testing.T, data []byte) {
	c, warnings, err := Parse("fuzz.json", data)
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Source != "fuzz.json" || !strings.Contains(err.Error(), "fuzz.json") {
			t.Fatalf("error %T %v: want a *FormatError naming the source", err, err)
		}
		return
	}
	if len(c.Entries) == 0 {
		t.Fatal("a parsed catalog without entries")
	}
	if !slices.IsSortedFunc(c.Entries, func(a, b Entry) int { return strings.Compare(a.Key, b.Key) }) {
		t.Fatal("entries not in key order")
	}
	for i, e := range c.Entries {
		if i > 0 && c.Entries[i-1].Key == e.Key {
			t.Fatalf("key %q twice", e.Key)
		}
		if e.Key == "" || e.URL == "" || e.Major < 0 || e.Minor < 0 || e.Patch < 0 ||
			(e.SHA256 != "" && !isSHA256(e.SHA256)) || !knownVariants[e.Variant] || !knownLevels[e.Arch.Variant] {
			t.Fatalf("invalid entry accepted: %+v", e)
		}
		// What the rest of pyget derives from an entry must not panic.
		_, _, _ = e.CanonicalKey(), e.MinorKey(), e.ParsedVersion()
		_ = Compare(e, c.Entries[0])
	}
	_ = c.Date()
	_ = Releases(c.Entries)

	uv, err := EncodeUV(c.Entries)
	if err != nil {
		t.Fatalf("EncodeUV of a parsed catalog: %v", err)
	}
	back, backWarnings, err := Parse("again.json", uv)
	if err != nil {
		t.Fatalf("EncodeUV's output does not parse: %v\n%s", err, uv)
	}
	if len(backWarnings) != 0 {
		t.Fatalf("EncodeUV's output parses with warnings %q", backWarnings)
	}
	if !reflect.DeepEqual(back.Entries, c.Entries) {
		t.Fatalf("EncodeUV round trip changed the entries:\n got %+v\nwant %+v", back.Entries, c.Entries)
	}

	compact := encodeCompact("key", warnings, c.Entries)
	entries, ws, err := decodeCompact(compact, "key")
	if err != nil {
		t.Fatalf("compact copy does not decode: %v", err)
	}
	if !reflect.DeepEqual(entries, c.Entries) || !slices.Equal(ws, warnings) {
		t.Fatal("compact round trip changed the catalog")
	}
}

// withCRC frames body as a compact copy: magic, body, CRC-32C. Without it
// nearly every input the fuzzer makes would stop at the checksum.
func withCRC(body []byte) []byte {
	b := append([]byte(compactMagic), body...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// FuzzDecodeCompact checks the compact decoder on any bytes, framed with a
// correct checksum or taken as they are: no panic, a failure is stale or
// corrupt, and what decodes re-encodes to a copy that decodes the same.
func FuzzDecodeCompact(f *testing.F) {
	for _, data := range addTestdata(f) {
		if c, ws, err := Parse("seed", data); err == nil {
			enc := encodeCompact("seed-key", ws, c.Entries)
			f.Add(enc[len(compactMagic):len(enc)-4], true)
			f.Add(enc, false)
		}
	}
	f.Add([]byte{0}, true)
	f.Add([]byte{3, 'k', 'e', 'y', 1, 1, 'w', 0}, true)
	f.Add([]byte{3, 'k', 'e', 'y', 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, true)
	f.Fuzz(func(t *testing.T, data []byte, frame bool) {
		if frame {
			data = withCRC(data)
		}
		key, entries, warnings, err := decodeCompactKey(data, func(string) bool { return true })
		if err != nil {
			if !errors.Is(err, errCompactCorrupt) && !errors.Is(err, errCompactStale) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		again := encodeCompact(key, warnings, entries)
		k2, e2, w2, err := decodeCompactKey(again, func(string) bool { return true })
		if err != nil || k2 != key || !reflect.DeepEqual(e2, entries) || !slices.Equal(w2, warnings) {
			t.Fatalf("re-encoded copy decodes differently (%v)", err)
		}
		if _, _, err := decodeCompact(data, key+"x"); !errors.Is(err, errCompactStale) {
			t.Fatalf("a copy for another key was taken: %v", err)
		}
	})
}

// gzipCompact gzips a compact copy with the snapshot's header comment, as
// EncodeSnapshot does, from parts the fuzzer controls.
func gzipCompact(comment string, compact []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Comment = comment
	zw.Write(compact)
	zw.Close()
	return buf.Bytes()
}

// FuzzSnapshot checks the snapshot reader (readSnapshotInfo, decodeSnapshot)
// on any gzip comment and compact body, and on raw bytes: no panic; a
// snapshot that decodes agrees with its header, and EncodeSnapshot of it
// decodes to the same catalog.
func FuzzSnapshot(f *testing.F) {
	for _, data := range addTestdata(f) {
		c, _, err := Parse("seed", data)
		if err != nil {
			continue
		}
		snap, err := EncodeSnapshot(c, "https://example.invalid/catalog.json")
		if err != nil {
			f.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(snap))
		if err != nil {
			f.Fatal(err)
		}
		var raw bytes.Buffer
		if _, err := raw.ReadFrom(zr); err != nil {
			f.Fatal(err)
		}
		f.Add(zr.Comment, raw.Bytes()[len(compactMagic):raw.Len()-4], true, []byte(nil))
		f.Add("", []byte(nil), false, snap)
	}
	f.Add(snapshotCommentPrefix+"20250101\n1\nx", []byte{0}, true, []byte(nil))
	f.Fuzz(func(t *testing.T, comment string, body []byte, frame bool, raw []byte) {
		data := raw
		if frame {
			data = gzipCompact(comment, withCRC(body))
		}
		info, infoErr := readSnapshotInfo(data)
		c, full, err := decodeSnapshot(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "catalog snapshot: ") {
				t.Fatalf("error %q does not say it is about the snapshot", err)
			}
			return
		}
		if infoErr != nil || info != full || len(c.Entries) != full.Builds || c.Source != full.Source {
			t.Fatalf("decoded snapshot %+v (%d entries) disagrees with its header %+v (%v)", full, len(c.Entries), info, infoErr)
		}
		again, err := EncodeSnapshot(c, full.Source)
		if err != nil {
			// EncodeSnapshot refuses what the reader tolerates (a source
			// that is not one Latin-1 line); nothing to compare then.
			return
		}
		c2, full2, err := decodeSnapshot(again)
		if err != nil || !reflect.DeepEqual(c2.Entries, c.Entries) || full2.Builds != full.Builds || full2.Source != full.Source {
			t.Fatalf("re-encoded snapshot decodes differently: %v", err)
		}
	})
}

// FuzzParseEntry builds one catalog entry from fields of any value, so the
// fuzzer explores the entry checks rather than JSON syntax; the document
// is then held to FuzzParse's properties (through checkParsed).
func FuzzParseEntry(f *testing.F) {
	f.Add("cpython-3.13.3-linux-x86_64-gnu", "cpython", "x86_64", "", "linux", "gnu", 3, 13, 3, "", "https://example.invalid/a.tar.gz",
		"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "", "20250604")
	f.Add("cpython-3.14.0rc1+freethreaded-linux-x86_64_v3-musl", "cpython", "x86_64", "v3", "linux", "musl", 3, 14, 0, "rc1", "u", "", "freethreaded", "20250814")
	f.Add("pypy-3.11.11-linux-aarch64-gnu", "pypy", "aarch64", "", "linux", "gnu", 3, 11, 11, "", "u", "", "", "")
	f.Add("k", "graalpy", "x", "v5", "o", "l", -1, 0, 0, "rc", "u", "xyz", "debug+", "b")
	f.Fuzz(func(t *testing.T, key, name, family, level, os, libc string, major, minor, patch int, pre, url, sha, variant, build string) {
		null := func(s string) *string {
			if s == "" {
				return nil
			}
			return &s
		}
		doc := map[string]rawEntry{key: {
			Name: name, Arch: &rawArch{Family: family, Variant: null(level)}, OS: os, Libc: libc,
			Major: &major, Minor: &minor, Patch: &patch, Prerelease: pre, URL: url, SHA256: null(sha),
			Variant: null(variant), Build: build,
		}}
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		checkParsed(t, data)
	})
}
