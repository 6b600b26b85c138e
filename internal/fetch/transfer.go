package fetch

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

const (
	copyBufSize = 256 << 10
	// Bytes between sidecar saves while streaming. Archives are 25-60 MB,
	// so a kill -9 must find a sidecar (with the validator for If-Range)
	// early; a save is one small file and a rename.
	sidecarEvery      = 4 << 20
	progressEvery     = 100 * time.Millisecond
	progressBytes     = 1 << 20
	lockRetryInterval = 50 * time.Millisecond
)

// transfer is the state one Start builds on. Attempts come and go; the bytes
// on disk, their running hash and the validator stay here, which is what
// makes an attempt safe to call again.
type transfer struct {
	f   *Fetcher
	s   *Stream
	t   Target
	key string

	partPath, sidePath, lockPath string
	file                         *os.File

	off     int64        // valid bytes in the partial
	total   int64        // full size, -1 when unknown
	hash    *asyncHasher // sha256 of [0, off)
	valURL  string       // the URL the validator below came from
	etag    string
	lastMod string
	got     string // verified digest

	attempts   int
	faults     int
	mismatches int
	moved      int64  // new bytes written in this run (progress detection)
	high       int64  // the highest offset this transfer has written
	lastURL    string // the source of the latest attempt
	wire       int64  // bytes received over the network in this run
	network    bool   // the current attempt reads from the network
	sideAt     int64  // off when the sidecar was last saved
	lastEvOff  int64
	lastEvTime time.Time
	buf        []byte
}

func newTransfer(f *Fetcher, s *Stream, t Target) *transfer {
	key := partialKey(t)
	dir := f.downloadsDir()
	return &transfer{
		f: f, s: s, t: t, key: key,
		partPath: filepath.Join(dir, key+".part"),
		sidePath: filepath.Join(dir, key+".json"),
		lockPath: filepath.Join(dir, key+".lock"),
		total:    sizeOrUnknown(t.Size),
		hash:     newAsyncHasher(sha256.New()),
		buf:      make([]byte, copyBufSize),
	}
}

func sizeOrUnknown(n int64) int64 {
	if n > 0 {
		return n
	}
	return -1
}

func (x *transfer) event(kind EventKind, u string) Event {
	return Event{Kind: kind, Name: x.t.Name, URL: u, Done: x.off, Total: max(x.total, 0), Attempt: x.attempts}
}

func (x *transfer) run(ctx context.Context) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, x.f.cfg.Deadline)
	defer cancel()
	defer x.hash.close()

	lock := flock.New(x.lockPath)
	ok, err := lock.TryLockContext(ctx, lockRetryInterval)
	if ctx.Err() != nil {
		return Result{}, x.ctxErr(ctx)
	}
	if err != nil || !ok {
		return Result{}, fmt.Errorf("download %s: lock %s: %w", x.t.Name, x.lockPath, local(err))
	}
	defer lock.Unlock()

	// Another process may have finished it while we waited for the lock.
	if x.t.SHA256 != "" {
		if file, size, ok := openArchive(x.f.ArchivePath(x.t.SHA256), x.t.Size); ok {
			x.s.setFile(file)
			x.f.emit(Event{Kind: EventDone, Name: x.t.Name, URL: x.t.URL, Done: size, Total: size})
			return Result{Path: file.Name(), SHA256: x.t.SHA256, Size: size, FromCache: true}, nil
		}
	}
	x.f.sweep(x.key)

	file, err := os.OpenFile(x.partPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return Result{}, fmt.Errorf("download %s: %w", x.t.Name, local(err))
	}
	x.file = file
	x.s.setFile(file)
	if err := x.loadPartial(); err != nil {
		return Result{}, fmt.Errorf("download %s: resume partial: %w", x.t.Name, err)
	}
	x.s.publish(x.off)
	x.f.emit(x.event(EventStart, x.t.URL))

	var failures []*SourceError
	for i, u := range x.f.sources(x.t.URL) {
		if i > 0 {
			ev := x.event(EventMirror, u)
			ev.Err = failures[len(failures)-1]
			ev.Message = fmt.Sprintf("trying %s from %s", u, humanBytes(x.off))
			x.f.emit(ev)
		}
		err := x.fromSource(ctx, u)
		if err == nil {
			res, err := x.complete()
			if err != nil {
				x.saveSidecar()
				return Result{}, fmt.Errorf("download %s: %w", x.t.Name, err)
			}
			return res, nil
		}
		if ctx.Err() != nil {
			x.saveSidecar()
			return Result{}, x.ctxErr(ctx)
		}
		var le *localError
		if errors.As(err, &le) {
			x.saveSidecar()
			return Result{}, fmt.Errorf("download %s: %w", x.t.Name, err)
		}
		failures = append(failures, &SourceError{URL: u, Err: err})
	}
	x.saveSidecar()
	return Result{}, &TransferError{Name: x.t.Name, Sources: failures}
}

func (x *transfer) ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("download %s: gave up after the overall deadline of %v at %s: %w",
			x.t.Name, x.f.cfg.Deadline, humanBytes(x.off), ctx.Err())
	}
	return fmt.Errorf("download %s: stopped at %s (partial kept): %w", x.t.Name, humanBytes(x.off), ctx.Err())
}

// mismatchRetry is a first digest mismatch: the partial was discarded and
// the body is fetched once more from zero before the mismatch counts.
type mismatchRetry struct{ de *DigestError }

func (e *mismatchRetry) Error() string { return e.de.Error() + "; downloading again from zero" }

// fromSource runs attempts against one URL until the body is complete and
// verified, the retry budget is spent, or a permanent error.
func (x *transfer) fromSource(ctx context.Context, u string) error {
	noProgress := 0
	for {
		before := x.moved
		x.attempts++
		x.lastURL = u
		err := x.attempt(ctx, u)
		if err == nil {
			err = x.verify()
			if err == nil {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var le *localError
		if errors.As(err, &le) || IsPermanent(err) {
			return err
		}
		if x.moved > before {
			noProgress = 0
		} else {
			noProgress++
		}
		if noProgress > x.f.cfg.Retries {
			return fmt.Errorf("%d attempts in a row without progress: %w", noProgress, err)
		}
		delay := x.f.backoff(noProgress)
		var se *HTTPStatusError
		if errors.As(err, &se) && se.RetryAfter > 0 {
			delay = se.RetryAfter
		}
		x.faults++
		x.saveSidecar()
		ev := x.event(EventFault, u)
		ev.Err = err
		ev.Attempt = x.attempts + 1
		if x.off > 0 {
			ev.Message = fmt.Sprintf("%s at %s; resuming in %v (attempt %d)", describe(err), humanBytes(x.off), delay.Round(time.Millisecond), x.attempts+1)
		} else {
			ev.Message = fmt.Sprintf("%s; retrying in %v (attempt %d)", describe(err), delay.Round(time.Millisecond), x.attempts+1)
		}
		x.f.emit(ev)
		if err := x.f.hooks.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// attempt is one request and as much of its body as arrives. A timer reset
// on every read cancels it when no byte comes for IdleTimeout; that bounds
// silence, never the total time.
func (x *transfer) attempt(ctx context.Context, u string) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := x.f.cfg.IdleTimeout
	timer := time.AfterFunc(idle, func() { cancel(&idleError{idle}) })
	defer timer.Stop()
	tick := func() { timer.Reset(idle) }

	var err error
	if strings.HasPrefix(u, "file:") {
		x.network = false
		err = x.attemptFile(actx, u, tick)
	} else {
		x.network = true
		err = x.attemptHTTP(actx, u, tick)
	}
	if err != nil && ctx.Err() == nil {
		var ie *idleError
		if cause := context.Cause(actx); errors.As(cause, &ie) {
			return fmt.Errorf("GET %s: %w", u, ie)
		}
	}
	return err
}

func (x *transfer) attemptHTTP(ctx context.Context, u string, tick func()) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	for k, v := range x.f.cfg.Header {
		req.Header[k] = append([]string(nil), v...)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "pyget")
	}
	start := x.off
	if start > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", start))
		// A validator from another mirror means nothing here; the digest
		// at the end guards a resume across mirrors.
		if x.valURL == u {
			if v := x.validator(); v != "" {
				req.Header.Set("If-Range", v)
			}
		}
	}
	resp, err := x.f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	tick()
	cr := resp.Header.Get("Content-Range")
	switch resp.StatusCode {
	case http.StatusOK:
		// Judge the body before a 200 on a resumed request discards the
		// partial: an error page must not cost the bytes already here.
		if isHTML(resp.Header.Get("Content-Type")) {
			return &NotArchiveError{URL: u, Reason: "text/html page"}
		}
		if n := resp.ContentLength; n >= 0 && x.t.Size > 0 && n != x.t.Size {
			return &NotArchiveError{URL: u, Reason: fmt.Sprintf("%d bytes, want %d", n, x.t.Size)}
		}
		var prefix []byte
		if hasArchiveExt(x.t.URL) {
			var magic [4]byte
			n, err := io.ReadFull(resp.Body, magic[:])
			if n > 0 {
				tick()
			}
			if err != nil {
				if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
					return &NotArchiveError{URL: u, Reason: fmt.Sprintf("body of only %d bytes", n)}
				}
				return err
			}
			if !hasArchiveMagic(magic[:]) {
				return &NotArchiveError{URL: u, Reason: fmt.Sprintf("starts with % x, not an archive signature", magic[:])}
			}
			prefix = magic[:]
		}
		if start > 0 {
			if err := x.restartFromZero(); err != nil {
				return err
			}
			x.faults++
			ev := x.event(EventFault, u)
			ev.Message = fmt.Sprintf("server sent the whole file instead of resuming at %s (file changed or Range ignored); restarting from zero", humanBytes(start))
			x.f.emit(ev)
		}
		if resp.ContentLength >= 0 {
			x.total = resp.ContentLength
		}
		x.setValidator(u, resp.Header)
		return x.copyBody(u, resp.Body, tick, prefix)
	case http.StatusPartialContent:
		first, last, size, perr := parseContentRange(cr)
		bad := perr != nil || first != start || last < first ||
			(size >= 0 && x.total >= 0 && size != x.total) ||
			(resp.ContentLength >= 0 && resp.ContentLength != last-first+1)
		if bad {
			if err := x.restartFromZero(); err != nil {
				return err
			}
			return &rangeError{URL: u, Detail: fmt.Sprintf("Content-Range %q for a request from byte %d", cr, start)}
		}
		if isHTML(resp.Header.Get("Content-Type")) {
			return &NotArchiveError{URL: u, Reason: "text/html page"}
		}
		if size >= 0 {
			x.total = size
		}
		x.setValidator(u, resp.Header)
		return x.copyBody(u, resp.Body, tick, nil)
	case http.StatusRequestedRangeNotSatisfiable:
		// After a crash between the last byte and the rename, the whole
		// file is already here.
		if _, _, size, err := parseContentRange(cr); err == nil && start > 0 && size == start &&
			(x.total < 0 || x.total == size) {
			x.total = size
			return nil
		}
		if err := x.restartFromZero(); err != nil {
			return err
		}
		return &rangeError{URL: u, Detail: fmt.Sprintf("416 for a request from byte %d (Content-Range %q)", start, cr)}
	default:
		return &HTTPStatusError{URL: u, Code: resp.StatusCode,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), x.f.hooks.now())}
	}
}

func (x *transfer) attemptFile(ctx context.Context, u string, tick func()) error {
	p, err := fileURLPath(u)
	if err != nil {
		return err
	}
	src, err := os.Open(p)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if (x.total >= 0 && size != x.total) || x.off > size {
		if x.t.Size > 0 && size != x.t.Size {
			return &NotArchiveError{URL: u, Reason: fmt.Sprintf("%d bytes, want %d", size, x.t.Size)}
		}
		if x.off > 0 {
			if err := x.restartFromZero(); err != nil {
				return err
			}
		}
	}
	x.total = size
	body := &ctxReader{ctx: ctx, r: io.NewSectionReader(src, x.off, size-x.off)}
	return x.copyBody(u, body, tick, nil)
}

// copyBody appends prefix (bytes already taken from the body) and the rest
// of the body to the partial, hashing it once on the way.
func (x *transfer) copyBody(u string, body io.Reader, tick func(), prefix []byte) error {
	if len(prefix) > 0 {
		if err := x.write(prefix); err != nil {
			return err
		}
	}
	for {
		n, err := body.Read(x.buf)
		if n > 0 {
			tick()
			if werr := x.write(x.buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			switch {
			case x.total >= 0 && x.off < x.total:
				return &shortBodyError{URL: u, Got: x.off, Want: x.total}
			case x.total >= 0 && x.off > x.total:
				if err := x.restartFromZero(); err != nil {
					return err
				}
				return &rangeError{URL: u, Detail: "body longer than announced"}
			}
			x.total = x.off
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (x *transfer) write(p []byte) error {
	if _, err := x.file.WriteAt(p, x.off); err != nil {
		return local(err)
	}
	x.hash.Write(p)
	n := int64(len(p))
	x.off += n
	// Progress is a byte never held before in this transfer: bytes fetched
	// again after a restart from zero do not reset the retry budget, or a
	// server that ignores Range and always cuts at the same place would be
	// retried until the deadline.
	if x.off > x.high {
		x.moved += x.off - x.high
		x.high = x.off
	}
	if x.network {
		x.wire += n
	}
	x.s.publish(x.off)
	// By time, and by bytes too: on a fast link a whole archive can arrive
	// between two ticks, and a stall right after would freeze a stale count.
	if now := time.Now(); now.Sub(x.lastEvTime) >= progressEvery || x.off-x.lastEvOff >= progressBytes {
		x.lastEvTime, x.lastEvOff = now, x.off
		x.f.emit(x.event(EventProgress, ""))
	}
	if x.off-x.sideAt >= sidecarEvery {
		x.saveSidecar()
	}
	return nil
}

func (x *transfer) restartFromZero() error {
	x.s.restart()
	if err := x.file.Truncate(0); err != nil {
		return local(err)
	}
	x.hash.Reset()
	x.off, x.sideAt = 0, 0
	x.valURL, x.etag, x.lastMod = "", "", ""
	x.total = sizeOrUnknown(x.t.Size)
	os.Remove(x.sidePath)
	return nil
}

func (x *transfer) verify() error {
	got := hex.EncodeToString(x.hash.Sum(nil))
	if x.t.SHA256 != "" && got != x.t.SHA256 {
		x.mismatches++
		if err := x.restartFromZero(); err != nil {
			return err
		}
		de := &DigestError{Name: x.t.Name, Want: x.t.SHA256, Got: got}
		if x.mismatches == 1 {
			return &mismatchRetry{de}
		}
		return de
	}
	x.got = got
	return nil
}

// complete moves the verified partial to its final name: the archive
// exists under <cache>/archives only when whole and verified.
func (x *transfer) complete() (Result, error) {
	// No fsync: it would cost a fifth of a loopback transfer, and a cached
	// archive that a power cut damaged is caught anyway, since readers of
	// cached archives check the digest as they read (verifyingReader).
	final := x.f.ArchivePath(x.got)
	err := x.s.swapFile(func(old *os.File) (*os.File, error) {
		old.Close()
		if err := os.Rename(x.partPath, final); err != nil {
			return nil, err
		}
		return os.Open(final)
	})
	x.file = nil
	if err != nil {
		return Result{}, local(err)
	}
	os.Remove(x.sidePath)
	x.f.emit(x.event(EventProgress, ""))
	x.f.emit(x.event(EventDone, x.t.URL))
	return Result{Path: final, URL: x.lastURL, SHA256: x.got, Size: x.off, Faults: x.faults, WireBytes: x.wire}, nil
}

func (x *transfer) validator() string {
	if x.etag != "" && !strings.HasPrefix(x.etag, "W/") {
		return x.etag
	}
	return x.lastMod
}

func (x *transfer) setValidator(u string, h http.Header) {
	x.valURL, x.etag, x.lastMod = u, h.Get("ETag"), h.Get("Last-Modified")
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
}

func (x *transfer) saveSidecar() {
	if x.file == nil {
		return
	}
	if x.off == 0 {
		os.Remove(x.sidePath)
		return
	}
	state, err := x.hash.state()
	if err != nil {
		return
	}
	data, err := json.Marshal(sidecar{
		Target: x.t.URL, SHA256: x.t.SHA256, URL: x.valURL, ETag: x.etag, LastModified: x.lastMod,
		Total: x.total, Offset: x.off, HashState: state,
	})
	if err != nil {
		return
	}
	tmp := x.sidePath + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		os.Remove(tmp) // half-written on a full disk
		return
	}
	if err := os.Rename(tmp, x.sidePath); err != nil {
		os.Remove(tmp)
		return
	}
	x.sideAt = x.off
}

// loadPartial picks up a partial left by an earlier run: with a matching
// sidecar it restores the hash state and hashes only bytes written after it;
// without one it rehashes the file once (only when a digest will check the
// result).
func (x *transfer) loadPartial() error {
	fi, err := x.file.Stat()
	if err != nil {
		return local(err)
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	if sc, ok := x.readSidecar(); ok && sc.Offset <= size {
		h := sha256.New()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(sc.HashState); err == nil {
			x.hash.set(h)
			x.off = sc.Offset
			x.valURL, x.etag, x.lastMod = sc.URL, sc.ETag, sc.LastModified
			if sc.Total > 0 && (x.t.Size <= 0 || sc.Total == x.t.Size) {
				x.total = sc.Total
			}
			if size > x.off {
				return x.rehash(size)
			}
			return nil
		}
	}
	if x.t.SHA256 == "" {
		if err := x.file.Truncate(0); err != nil {
			return local(err)
		}
		return nil
	}
	x.hash.Reset()
	x.off = 0
	x.valURL, x.etag, x.lastMod = "", "", ""
	return x.rehash(size)
}

func (x *transfer) readSidecar() (sidecar, bool) {
	var sc sidecar
	data, err := os.ReadFile(x.sidePath)
	if err != nil || json.Unmarshal(data, &sc) != nil || sc.Offset <= 0 {
		return sc, false
	}
	if x.t.SHA256 != "" {
		return sc, sc.SHA256 == x.t.SHA256
	}
	return sc, sc.Target == x.t.URL && sc.SHA256 == ""
}

// rehash extends the hash over the partial's bytes [x.off, size).
func (x *transfer) rehash(size int64) error {
	n, err := io.CopyBuffer(x.hash, io.NewSectionReader(x.file, x.off, size-x.off), x.buf)
	x.off += n
	if err != nil {
		return local(err)
	}
	return nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func isHTML(ct string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "text/html")
}

func hasArchiveExt(u string) bool {
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.Path
	}
	p = strings.ToLower(path.Base(p))
	for _, ext := range []string{".tar.gz", ".tgz", ".gz", ".tar.zst", ".tzst", ".zst", ".zip"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// hasArchiveMagic reports whether b starts like gzip, zstd or zip.
func hasArchiveMagic(b []byte) bool {
	switch {
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return true
	case len(b) >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd:
		return true
	case len(b) >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4:
		return true
	}
	return false
}

// parseContentRange parses "bytes FIRST-LAST/SIZE" and "bytes */SIZE";
// SIZE "*" gives -1.
func parseContentRange(v string) (first, last, size int64, err error) {
	bad := fmt.Errorf("malformed Content-Range %q", v)
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return 0, 0, 0, bad
	}
	rng, sz, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, bad
	}
	size = -1
	if sz != "*" {
		if size, err = strconv.ParseInt(sz, 10, 64); err != nil || size < 0 {
			return 0, 0, 0, bad
		}
	}
	if rng == "*" {
		return -1, -1, size, nil
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, 0, bad
	}
	if first, err = strconv.ParseInt(a, 10, 64); err != nil || first < 0 {
		return 0, 0, 0, bad
	}
	if last, err = strconv.ParseInt(b, 10, 64); err != nil || last < first || (size >= 0 && last >= size) {
		return 0, 0, 0, bad
	}
	return first, last, size, nil
}

// fileURLPath turns file:///x/y (file:///C:/x on Windows) into a path.
func fileURLPath(u string) (string, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	p := pu.Path
	if pu.Host != "" && pu.Host != "localhost" {
		return "", fmt.Errorf("file URL %q: host %q not supported", u, pu.Host)
	}
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return filepath.FromSlash(p), nil
}
