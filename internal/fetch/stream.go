package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/pyget/pyget/internal/fsutil"
)

// Stream is a transfer in progress.
type Stream struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{} // closed when the transfer goroutine has ended

	mu       sync.Mutex
	cond     *sync.Cond
	gen      int   // incremented each time the partial restarts from zero
	written  int64 // bytes of generation gen that are on disk
	finished bool
	closed   bool
	err      error
	res      Result

	// fileMu guards the handle itself (swapped when the verified partial
	// is renamed into the archive cache, closed by Close); readers hold it
	// shared around ReadAt.
	fileMu sync.RWMutex
	file   *os.File

	// cached is set, before any byte is published, on a Stream over an
	// archive already in the cache: its readers check the digest as they
	// go, because a cached file was verified when it was written but
	// nothing since vouches for it (a power cut after the rename, a disk
	// error).
	cached *cachedArchive
	// Under mu: a reader or WaitVerified hashed the cached archive whole;
	// cacheOK when it matched, cacheErr (ErrCorruptCache) when it did not.
	cacheOK  bool
	cacheErr error
	// verifyMu serialises WaitVerified's hashing.
	verifyMu sync.Mutex
}

type cachedArchive struct {
	path, sha256 string
	fi           os.FileInfo // of the file the stream reads
	// drop removes the archive read as fi, under its download lock.
	drop func(read os.FileInfo)
}

func newStream(name string, cancel context.CancelFunc) *Stream {
	s := &Stream{name: name, cancel: cancel, done: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// publish makes bytes up to n of the current generation visible to readers.
func (s *Stream) publish(n int64) {
	s.mu.Lock()
	s.written = n
	s.mu.Unlock()
	s.cond.Broadcast()
}

// restart invalidates everything readers have seen; called before the
// partial file is truncated so no reader trusts bytes read across it.
func (s *Stream) restart() {
	s.mu.Lock()
	s.gen++
	s.written = 0
	s.mu.Unlock()
	s.cond.Broadcast()
}

func (s *Stream) setFile(f *os.File) {
	s.fileMu.Lock()
	s.file = f
	s.fileMu.Unlock()
}

// setCached makes s a stream over a cached archive, whose readers verify
// sha as they read; drop removes it when they find it corrupt. Called before
// anything is published.
func (s *Stream) setCached(f *os.File, sha string, drop func(os.FileInfo)) {
	fi, _ := f.Stat()
	s.mu.Lock()
	s.cached = &cachedArchive{path: f.Name(), sha256: sha, fi: fi, drop: drop}
	s.mu.Unlock()
	s.setFile(f)
}

// swapFile replaces the handle readers use, closing the old one.
func (s *Stream) swapFile(fn func(old *os.File) (*os.File, error)) error {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	nf, err := fn(s.file)
	s.file = nf
	return err
}

func (s *Stream) finish(res Result, err error) {
	s.mu.Lock()
	s.finished = true
	s.res, s.err = res, err
	if err == nil {
		s.written = res.Size
	}
	s.mu.Unlock()
	s.cond.Broadcast()
	if err != nil {
		// Nothing more can be read; let the partial's handle go now.
		s.swapFile(func(old *os.File) (*os.File, error) {
			if old != nil {
				old.Close()
			}
			return nil, nil
		})
	}
}

// NewReader returns a reader from byte zero that waits for bytes as they
// arrive, returns io.EOF only when the whole body is on disk and verified,
// the transfer's error when it failed for good, and ErrRestarted when the
// partial restarted from zero after this reader returned bytes. Over a
// cached archive it hashes what it returns, and a digest that no longer
// matches replaces io.EOF with ErrCorruptCache.
func (s *Stream) NewReader() io.Reader {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &reader{s: s, gen: s.gen}
}

// Wait waits for the transfer to finish. A downloaded archive is verified
// before Wait returns; a cache hit is verified only by a reader that reads
// it to its end. Use WaitVerified for the archive at Result.Path without
// reading it through the stream.
func (s *Stream) Wait() (Result, error) {
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res, s.err
}

// WaitVerified is Wait, and for a cache hit also the check that the bytes
// at Result.Path still match the digest: unless a reader already read the
// archive to its end, it is hashed here, once per stream. A mismatch
// removes the archive (under its download lock, as a reader's does) and is
// ErrCorruptCache, so the next Start downloads it again.
func (s *Stream) WaitVerified() (Result, error) {
	res, err := s.Wait()
	if err != nil || !res.FromCache {
		return res, err
	}
	s.verifyMu.Lock()
	defer s.verifyMu.Unlock()
	s.mu.Lock()
	c, ok, cerr := s.cached, s.cacheOK, s.cacheErr
	s.mu.Unlock()
	switch {
	case cerr != nil:
		return Result{}, cerr
	case ok || c == nil:
		return res, nil
	}
	got, fi, err := hashPath(c.path)
	if err != nil {
		return Result{}, fmt.Errorf("verifying the cached archive %s: %w", c.path, err)
	}
	if err := s.cacheVerdict(c, got, fi); err != nil {
		return Result{}, err
	}
	return res, nil
}

// cacheVerdict records the digest got of the cached archive, read as fi.
// A mismatch drops the archive and is ErrCorruptCache.
func (s *Stream) cacheVerdict(c *cachedArchive, got string, fi os.FileInfo) error {
	if got == c.sha256 {
		s.mu.Lock()
		s.cacheOK = true
		s.mu.Unlock()
		return nil
	}
	err := fmt.Errorf("%s: %w: %w", c.path, ErrCorruptCache, &DigestError{Name: s.name, Want: c.sha256, Got: got})
	s.mu.Lock()
	s.cacheErr = err
	s.mu.Unlock()
	// The stream's handle goes first: Windows refuses to delete a file
	// that is open (a sharing violation). Readers then get cacheErr.
	s.swapFile(func(old *os.File) (*os.File, error) {
		if old != nil {
			old.Close()
		}
		return nil, nil
	})
	if c.drop != nil {
		c.drop(fi)
	}
	return err
}

// hashPath is the sha256 (hex) of the file at path, and the file's info.
func hashPath(path string) (string, os.FileInfo, error) { return fsutil.SHA256File(path) }

// Close stops the transfer if it still runs, keeping the resumable partial,
// and releases the file. Readers then fail.
func (s *Stream) Close() error {
	s.cancel()
	<-s.done
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Broadcast()
	var err error
	s.swapFile(func(old *os.File) (*os.File, error) {
		if old != nil {
			err = old.Close()
		}
		return nil, nil
	})
	return err
}

const readerBufSize = 256 << 10

type reader struct {
	s   *Stream
	gen int
	off int64 // next byte to return
	err error // sticky

	// verify hashes the bytes returned over a cached archive, whether the
	// stream knew it was one when the reader was made or learnt it later
	// (after waiting for another process's lock).
	verify hash.Hash
	cached *cachedArchive

	// buf holds bytes [bufOff, bufOff+len(buf)) for callers that read in
	// small pieces, so each pread moves a large block.
	buf    []byte
	bufOff int64
	bufLen int
}

func (r *reader) Read(p []byte) (int, error) {
	for {
		n, err := r.readOnce(p)
		if r.verify != nil {
			r.verify.Write(p[:n])
			if err == io.EOF {
				err = r.check()
			}
		}
		if n > 0 || err != nil || len(p) == 0 {
			return n, err
		}
		// A restart raced with a read before any byte was returned: the
		// reader moved to the new generation; read again.
	}
}

// check compares the digest of a cached archive read to its end; a
// mismatch removes the file (cacheVerdict), so the next Start downloads it
// again.
func (r *reader) check() error {
	c := r.cached
	if err := r.s.cacheVerdict(c, hex.EncodeToString(r.verify.Sum(nil)), c.fi); err != nil {
		r.err = err
		return err
	}
	return io.EOF
}

func (r *reader) readOnce(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	s := r.s
	s.mu.Lock()
	for {
		if s.closed {
			s.mu.Unlock()
			r.err = errClosed
			return 0, r.err
		}
		if s.gen != r.gen {
			if r.off > 0 {
				s.mu.Unlock()
				r.err = ErrRestarted
				return 0, r.err
			}
			r.gen = s.gen
			r.bufLen = 0
		}
		if s.finished && s.err != nil {
			err := s.err
			s.mu.Unlock()
			r.err = err
			return 0, err
		}
		if r.off < s.written {
			if r.off == 0 && r.verify == nil && s.cached != nil {
				r.verify, r.cached = sha256.New(), s.cached
			}
			break
		}
		if s.finished {
			s.mu.Unlock()
			r.err = io.EOF
			return 0, io.EOF
		}
		s.cond.Wait()
	}
	avail := s.written
	s.mu.Unlock()

	if r.bufLen > 0 && r.off >= r.bufOff && r.off < r.bufOff+int64(r.bufLen) {
		n := copy(p, r.buf[r.off-r.bufOff:r.bufLen])
		r.off += int64(n)
		return n, nil
	}
	if len(p) >= readerBufSize/4 {
		n, err := r.readAt(p[:min(int64(len(p)), avail-r.off)])
		if err != nil {
			return 0, err
		}
		r.off += int64(n)
		return n, nil
	}
	if r.buf == nil {
		r.buf = make([]byte, readerBufSize)
	}
	n, err := r.readAt(r.buf[:min(int64(len(r.buf)), avail-r.off)])
	if err != nil {
		return 0, err
	}
	r.bufOff, r.bufLen = r.off, n
	c := copy(p, r.buf[:n])
	r.off += int64(c)
	return c, nil
}

// readAt fills b from the file at r.off; b lies within published bytes. A
// restart racing with the read makes the bytes worthless, so the generation
// is checked again afterwards.
func (r *reader) readAt(b []byte) (int, error) {
	s := r.s
	s.fileMu.RLock()
	f := s.file
	var n int
	var err error
	if f == nil {
		err = errClosed
	} else {
		n, err = f.ReadAt(b, r.off)
	}
	s.fileMu.RUnlock()
	s.mu.Lock()
	gen, closed, failed := s.gen, s.closed, s.finished && s.err != nil
	ferr, corrupt := s.err, s.cacheErr
	s.mu.Unlock()
	switch {
	case f == nil && corrupt != nil:
		// Another reader found the cached archive corrupt and let it go.
		r.err = corrupt
		return 0, r.err
	case closed:
		r.err = errClosed
		return 0, r.err
	case failed:
		r.err = ferr
		return 0, r.err
	case gen != r.gen:
		if r.off > 0 {
			r.err = ErrRestarted
			return 0, r.err
		}
		// Nothing returned yet: start over in the new generation.
		r.gen = gen
		r.bufLen = 0
		return 0, nil
	}
	if n < len(b) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		r.err = err
		return 0, err
	}
	return n, nil
}
