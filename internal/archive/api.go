// Package archive extracts python-build-standalone, PyPy and GraalPy archives
// safely while they stream in. It owns the archive suffixes (FormatOf), their
// magic bytes (Sniff) and safe streaming extraction (Extract, ExtractZip).
//
// It must never import fetch or store: the transfer layer uses it to tell an
// archive from an error page, and the pipeline hands it the stream.
package archive

import (
	"context"
	"io"
)

// Format is an archive's container and compression.
type Format int

const (
	FormatUnknown Format = iota
	TarGz
	TarZst
	Zip
)

// Limits bound what an archive may write.
type Limits struct {
	MaxBytes   int64 // total bytes of regular files; default 4 GiB
	MaxEntries int   // default 200,000
}

// Extract reads a .tar.gz or .tar.zst stream and writes the interpreter tree
// into dest (an existing empty directory), so that dest/bin/python3 (unix) or
// dest/python.exe (windows) exists: the single top-level folder is stripped
// ("python/", or "pypy3.11-v7.3.20-linux64/"), and a full archive's
// "python/install/" becomes the root. Unsafe entries fail with *UnsafeEntryError.
// Errors from r are returned wrapped (errors.Is still sees them).
func Extract(ctx context.Context, r io.Reader, f Format, dest string, lim Limits) error {
	return extract(ctx, r, f, dest, lim, defaultWriters)
}

// ExtractZip is Extract for a .zip file on disk (zip needs random access).
func ExtractZip(ctx context.Context, path, dest string, lim Limits) error {
	return extractZip(ctx, path, dest, lim)
}

// UnsafeEntryError names an archive entry that was refused.
type UnsafeEntryError struct {
	Entry  string
	Reason string // "absolute path", "escapes the tree", "device file", ...
}

func (e *UnsafeEntryError) Error() string { return "unsafe archive entry " + e.Entry + ": " + e.Reason }
