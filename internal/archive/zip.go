package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/klauspost/compress/zip"
)

// maxZipLinkTarget bounds how much of a zip symlink member is read as its
// target.
const maxZipLinkTarget = 4096

func extractZip(ctx context.Context, file, dest string, lim Limits) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) {
			return corrupt("not a zip archive", err)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// A central directory that runs past the end of the file.
			return corrupt("truncated zip archive", err)
		}
		return fmt.Errorf("opening archive: %w", err)
	}
	defer zr.Close()

	t, err := newTree(dest, lim)
	if err != nil {
		return err
	}
	defer t.close()
	var cur string
	t.readErr = func(err error) error {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return corrupt("truncated zip member "+cur, err)
		}
		return corrupt("corrupt zip member "+cur, err)
	}

	// The central directory is known up front: refuse oversized archives
	// before writing anything.
	if len(zr.File) > t.lim.MaxEntries {
		return &LimitError{What: "entries", Limit: int64(t.lim.MaxEntries), Entry: zr.File[t.lim.MaxEntries].Name}
	}
	var declared uint64
	for _, zf := range zr.File {
		declared += zf.UncompressedSize64
		if declared > uint64(t.lim.MaxBytes) {
			return &LimitError{What: "bytes", Limit: t.lim.MaxBytes, Entry: zf.Name}
		}
	}

	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Windows tools sometimes write backslashes although the format
		// says slashes; read them as separators so that "..\" is caught.
		name := strings.ReplaceAll(zf.Name, `\`, "/")
		cur = zf.Name
		if err := t.count(zf.Name); err != nil {
			return err
		}
		if name == "__MACOSX" || strings.HasPrefix(name, "__MACOSX/") {
			continue // resource forks from macOS's Archive Utility
		}
		mode := zf.Mode()
		e := entry{name: name, label: zf.Name, perm: mode.Perm(), mtime: zf.Modified, size: int64(zf.UncompressedSize64)}
		if e.perm == 0 {
			e.perm = 0o644
		}
		switch {
		case mode.IsDir() || strings.HasSuffix(name, "/"):
			e.kind = kindDir
		case mode&fs.ModeSymlink != 0:
			e.kind = kindSymlink
			target, err := readZipLink(zf)
			if err != nil {
				return t.readErr(err)
			}
			e.linkname = target
		case mode.IsRegular():
			e.kind = kindFile
		case mode&fs.ModeDevice != 0:
			return unsafeEntry(zf.Name, "device file")
		case mode&fs.ModeNamedPipe != 0:
			return unsafeEntry(zf.Name, "fifo")
		default:
			return unsafeEntry(zf.Name, "unsupported entry type "+mode.Type().String())
		}
		if err := addZipEntry(ctx, t, zf, e); err != nil {
			return err
		}
	}
	return t.finish()
}

func addZipEntry(ctx context.Context, t *tree, zf *zip.File, e entry) error {
	if e.kind != kindFile {
		return t.add(ctx, e, nil)
	}
	rc, err := zf.Open()
	if err != nil {
		return t.readErr(err)
	}
	defer rc.Close()
	return t.add(ctx, e, rc)
}

func readZipLink(zf *zip.File) (string, error) {
	rc, err := zf.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxZipLinkTarget+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxZipLinkTarget {
		return "", fmt.Errorf("symlink target longer than %d bytes", maxZipLinkTarget)
	}
	return string(b), nil
}
