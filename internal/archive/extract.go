package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// maxTrailing bounds what is read after the tar end-of-archive marker (tar's
// record padding is at most 10 KiB) so that the compressed stream is checked
// to its end (gzip CRC, zstd checksum) and the caller's reader is consumed.
const maxTrailing = 1 << 20

// extract runs the tar reader on this goroutine and, with writers > 0, that
// many goroutines creating and filling the regular files; with 0 it writes
// every file itself (the reference the parallel path is tested against).
func extract(ctx context.Context, r io.Reader, f Format, dest string, lim Limits, writers int) error {
	return extractWith(ctx, r, f, dest, lim, writers, createFile)
}

func extractWith(ctx context.Context, r io.Reader, f Format, dest string, lim Limits, writers int, open openFunc) (err error) {
	if f != TarGz && f != TarZst {
		if f == Zip {
			return fmt.Errorf("zip archives need random access: use ExtractZip")
		}
		return fmt.Errorf("unsupported archive format %s", f)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := newTree(dest, lim)
	if err != nil {
		return err
	}
	defer t.close()

	src := &sourceReader{r: r}
	p := startPipe(ctx, src, f)
	defer p.stop()
	if writers > 0 {
		t.w = startWriters(ctx, writers, open)
		// Deferred last, so run first: no writer touches dest, a chunk or
		// a directory handle once extract returns.
		defer t.w.stop()
		p.abort = t.w.failed
		t.route = p.route
		t.files = map[string]<-chan struct{}{}
		t.made = map[string]bool{}
	}

	// What the tar reader reports is first checked against the pipe: a
	// decoder or input failure explains any tar error that follows it.
	streamErr := func(err error) error {
		switch {
		case t.w != nil && t.w.failure() != nil:
			return t.w.failure() // a writer failed first: the reader only stopped
		case p.failure != nil:
			return p.failure
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return err
		case errors.Is(err, io.ErrUnexpectedEOF), err == io.EOF:
			return corrupt("truncated archive", err)
		}
		return corrupt("invalid tar data", err)
	}
	t.readErr = streamErr
	t.dataIsSized = true

	tr := tar.NewReader(p)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if p.sinkLeft != 0 && (err == nil || err == io.EOF) {
			// archive/tar went past a file's data without consuming it
			// all: its writer would wait for bytes that never come.
			return fmt.Errorf("extracting: %d bytes of a file's data were never delivered", p.sinkLeft)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return streamErr(err)
		}
		if err := t.count(hdr.Name); err != nil {
			return err
		}
		e, err := tarEntry(hdr)
		if err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		// A sparse member's data is not its size in bytes of the stream
		// (archive/tar expands the map), so only the reader can fill it.
		e.routed = t.w != nil && e.kind == kindFile && !isSparse(hdr)
		if err := t.add(ctx, e, tr); err != nil {
			if werr := t.w.failureOrNil(); werr != nil {
				return werr
			}
			return err
		}
	}
	if t.w != nil {
		if err := t.w.finish(); err != nil {
			return err
		}
	}
	if p.total == 0 {
		return corrupt("empty archive", nil)
	}
	if p.zeros < 512 {
		// archive/tar takes a stream that stops between members for a
		// complete archive; a real one ends with zero blocks.
		return corrupt("truncated archive: no end-of-archive marker", nil)
	}
	n, err := io.CopyN(io.Discard, p, maxTrailing+1)
	switch {
	case err != nil && err != io.EOF:
		return streamErr(err)
	case n > maxTrailing:
		return corrupt("unexpected data after the end of the archive", nil)
	}
	return t.finish()
}

func (t *tree) finish() error {
	if t.layout == layoutFull && !t.sawInstall {
		return layoutErr("full archive without an install/ folder")
	}
	if !t.wroteAny {
		return layoutErr("archive holds no files")
	}
	return nil
}

func isSparse(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func tarEntry(h *tar.Header) (entry, error) {
	e := entry{
		name:     h.Name,
		perm:     fs.FileMode(h.Mode) & fs.ModePerm, // no setuid, setgid, sticky
		size:     h.Size,
		mtime:    h.ModTime,
		linkname: h.Linkname,
	}
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeRegA, tar.TypeCont:
		e.kind = kindFile
	case tar.TypeDir:
		e.kind = kindDir
	case tar.TypeSymlink:
		e.kind = kindSymlink
	case tar.TypeLink:
		e.kind = kindHardlink
	case tar.TypeXGlobalHeader:
	case tar.TypeChar, tar.TypeBlock:
		return e, unsafeEntry(h.Name, "device file")
	case tar.TypeFifo:
		return e, unsafeEntry(h.Name, "fifo")
	default:
		return e, unsafeEntry(h.Name, fmt.Sprintf("unsupported entry type %q", h.Typeflag))
	}
	return e, nil
}
