package fetch

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pyget/pyget/internal/fsutil"
)

const (
	// Bytes between sidecar saves while streaming. Archives are 25-60 MB,
	// so a kill -9 must find a sidecar (with the validator for If-Range)
	// early; a save is one small file and a rename.
	sidecarEvery = 4 << 20
	// Partials (and sidecars) untouched for this long are swept.
	partialMaxAge = 7 * 24 * time.Hour
)

// partial is an archive being downloaded, in <cache>/downloads: the bytes
// in <key>.part and the state to resume them in the sidecar <key>.json,
// both used only under <key>.lock. It owns the offset of the valid bytes,
// the total size, their running sha256 and the validator they came with;
// the Stream reads the same file handle (and closes it).
//
// A segmented transfer (segments.go) also keeps segs: the pieces of
// [off, total) that connections fetch at once, each with the bytes already
// written at its start. off is then the contiguous prefix: the hash and the
// Stream's readers follow it as it grows.
type partial struct {
	path, side string
	target     Target // its URL and digest identify the sidecar
	file       *os.File

	// mu guards everything below while segments run on several
	// goroutines; one connection alone never contends for it.
	mu      sync.Mutex
	off     int64        // valid bytes in the file: the contiguous prefix
	total   int64        // full size, -1 when unknown
	hash    *asyncHasher // sha256 of [0, off)
	val     validator
	savedAt int64 // off when the sidecar was last saved

	// segs partition [off, total) in order when the transfer is
	// segmented (nil otherwise); the first one starts at off.
	segs      []*segment
	sinceSave int64  // segment bytes written since the last save
	readBack  []byte // for hashing segment bytes the prefix reaches
	sched     pieceSched
}

// sidecar is the resume state saved next to the partial. Offset never
// exceeds the bytes written before it was saved; on load the file size is
// checked against it anyway.
type sidecar struct {
	Target       string `json:"target"`
	SHA256       string `json:"sha256,omitempty"`
	URL          string `json:"url,omitempty"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	Total        int64  `json:"total"`
	Offset       int64  `json:"offset"`
	HashState    []byte `json:"hash_state"`
	// Segments are the pieces of [Offset, Total) of a segmented transfer,
	// in order, each with the bytes written at its start; absent in a
	// transfer on one connection (and in sidecars older than segments),
	// where the file's bytes past Offset continue the prefix.
	Segments []sidecarSegment `json:"segments,omitempty"`
}

// sidecarSegment is one segment in the sidecar: [Start, End), of which
// [Start, Start+Written) is on disk.
type sidecarSegment struct {
	Start   int64 `json:"start"`
	End     int64 `json:"end"`
	Written int64 `json:"written"`
}

// openPartial opens (or creates) t's partial in dir, the caller holding its
// lock, and picks up what an earlier run left. Errors are the cache disk's.
func openPartial(dir string, t Target) (*partial, error) {
	key := partialKey(t)
	p := &partial{
		path:   filepath.Join(dir, key+".part"),
		side:   filepath.Join(dir, key+".json"),
		target: t,
		total:  sizeOrUnknown(t.Size),
		hash:   newAsyncHasher(sha256.New()),
	}
	// A sidecar save that a kill interrupted left its temp file.
	tmps, _ := filepath.Glob(filepath.Join(dir, fsutil.TempPattern(key+".json")))
	for _, tmp := range tmps {
		os.Remove(tmp)
	}
	file, err := os.OpenFile(p.path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		p.hash.close()
		return nil, local(err)
	}
	p.file = file
	if err := p.load(); err != nil {
		p.close()
		file.Close()
		return nil, err
	}
	return p, nil
}

// load picks up the partial left by an earlier run: with a sidecar that
// matches it restores the hash state and hashes only bytes written after
// it; without one it rehashes the file once (only when a digest will check
// the result; otherwise nothing could vouch for the bytes, so they go).
func (p *partial) load() error {
	fi, err := p.file.Stat()
	if err != nil {
		return local(err)
	}
	size := fi.Size()
	if size == 0 {
		os.Remove(p.side) // it describes bytes that are not there
		return nil
	}
	if sc, ok := p.readSidecar(); ok && sc.Offset <= size {
		h := sha256.New()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(sc.HashState); err == nil {
			p.hash.set(h)
			p.off, p.savedAt = sc.Offset, sc.Offset
			p.val = validator{URL: sc.URL, ETag: sc.ETag, LastModified: sc.LastModified}
			if sc.Total > 0 && (p.target.Size <= 0 || sc.Total == p.target.Size) {
				p.total = sc.Total
			}
			if len(sc.Segments) > 0 {
				return p.loadSegments(sc.Segments, size)
			}
			return p.rehash(size)
		}
	}
	if p.target.SHA256 == "" {
		return p.restart()
	}
	return p.rehash(size)
}

func (p *partial) readSidecar() (sidecar, bool) {
	var sc sidecar
	data, err := os.ReadFile(p.side)
	// A segmented transfer saves its sidecar before its first byte, at
	// offset 0; one on a single connection only once it has bytes.
	if err != nil || json.Unmarshal(data, &sc) != nil || sc.Offset < 0 || (sc.Offset == 0 && len(sc.Segments) == 0) {
		return sc, false
	}
	if p.target.SHA256 != "" {
		return sc, sc.SHA256 == p.target.SHA256
	}
	return sc, sc.Target == p.target.URL && sc.SHA256 == ""
}

// rehash extends the hash over the file's bytes [off, size).
func (p *partial) rehash(size int64) error {
	if size <= p.off {
		return nil
	}
	n, err := io.CopyBuffer(p.hash, io.NewSectionReader(p.file, p.off, size-p.off), make([]byte, copyBufSize))
	p.off += n
	if err != nil {
		return local(err)
	}
	return nil
}

// write appends b, hashing it on the way, and saves the sidecar every
// sidecarEvery bytes.
func (p *partial) write(b []byte) error {
	if _, err := p.file.WriteAt(b, p.off); err != nil {
		return local(err)
	}
	p.hash.Write(b)
	p.off += int64(len(b))
	if p.off-p.savedAt >= sidecarEvery {
		p.save()
	}
	return nil
}

// restart discards the bytes and everything known about them.
func (p *partial) restart() error {
	if err := p.file.Truncate(0); err != nil {
		return local(err)
	}
	p.hash.Reset()
	p.off, p.savedAt = 0, 0
	p.val = validator{}
	p.total = sizeOrUnknown(p.target.Size)
	p.segs, p.sinceSave = nil, 0
	os.Remove(p.side)
	return nil
}

// save writes the sidecar for the bytes written so far; best effort, since
// without it the next run rehashes the file (or, with no digest, starts
// over). It is the sidecar's one writer (writeSidecar).
func (p *partial) save() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.saveLocked()
}

func (p *partial) saveLocked() {
	if p.file == nil {
		return
	}
	if p.off == 0 && len(p.segs) == 0 {
		os.Remove(p.side)
		return
	}
	state, err := p.hash.state()
	if err != nil {
		return
	}
	sc := sidecar{
		Target: p.target.URL, SHA256: p.target.SHA256,
		URL: p.val.URL, ETag: p.val.ETag, LastModified: p.val.LastModified,
		Total: p.total, Offset: p.off, HashState: state,
	}
	for _, g := range p.segs {
		sc.Segments = append(sc.Segments, sidecarSegment{Start: g.start, End: g.end, Written: g.written})
	}
	data, err := json.Marshal(sc)
	if err != nil {
		return
	}
	if writeSidecar(p.side, data) == nil {
		p.savedAt, p.sinceSave = p.off, 0
	}
}

// writeSidecar replaces the sidecar atomically (fsutil.WriteFileFast), so
// a kill -9 leaves the old sidecar or the new, never a torn one. It does not
// fsync: saved every 4 MiB, that cost a third of a loopback transfer
// (BenchmarkTransferHTTP1), and it would buy nothing, since the partial's
// own bytes are not fsynced either. After a power cut a sidecar may vouch
// for bytes the disk lost: load ignores one that claims more than the file
// holds, and the digest at the end catches the rest.
func writeSidecar(path string, data []byte) error {
	return fsutil.WriteFileFast(path, data, 0o600)
}

// digest is the sha256 of the bytes written, in hex.
func (p *partial) digest() string { return hex.EncodeToString(p.hash.Sum(nil)) }

// commit moves the whole, verified partial to final (under archives/, the
// same filesystem) and returns final opened for reading. The partial's
// handle is closed; the archive exists under its final name only whole.
func (p *partial) commit(final string) (*os.File, error) {
	// No fsync: it would cost a fifth of a loopback transfer, and a cached
	// archive that a power cut damaged is caught anyway, since readers of
	// cached archives check the digest as they read.
	p.file.Close()
	p.file = nil
	if err := os.Rename(p.path, final); err != nil {
		return nil, local(err)
	}
	os.Remove(p.side)
	f, err := os.Open(final)
	return f, local(err)
}

// close ends the hasher's worker. The file handle is the Stream's to close.
func (p *partial) close() { p.hash.close() }

// sweep removes partials, sidecars and interrupted sidecar saves untouched
// for partialMaxAge, other than keep's, skipping any whose lock another
// process holds.
func (f *Fetcher) sweep(keep string) {
	dir := f.downloadsDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	cutoff := f.hooks.now().Add(-partialMaxAge)
	for _, e := range entries {
		name := e.Name()
		key, ok := downloadKey(name)
		if !ok || key == keep {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			continue
		}
		release, ok := fsutil.TryLock(filepath.Join(dir, key+".lock"))
		if !ok {
			continue
		}
		os.Remove(filepath.Join(dir, name))
		release()
	}
}

// downloadKey is the key of a file in downloads/ that sweep may remove:
// <key>.part, <key>.json and .<key>.json.tmp-* (an interrupted save).
func downloadKey(name string) (string, bool) {
	if rest, ok := strings.CutPrefix(name, "."); ok {
		key, _, ok := strings.Cut(rest, ".json.tmp-")
		return key, ok && key != ""
	}
	for _, ext := range []string{".part", ".json"} {
		if key, ok := strings.CutSuffix(name, ext); ok && key != "" {
			return key, true
		}
	}
	return "", false
}
