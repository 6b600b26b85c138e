package fsutil

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
)

// SHA256File is the sha256 (lower-case hex) of the regular file at path,
// and the file's info (of the handle that was read). Anything but a
// regular file is an error: a FIFO or a device is never an archive.
func SHA256File(path string) (string, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", nil, err
	}
	if !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%s is not a regular file", path)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), fi, nil
}

// HashingReader hashes (sha256) and counts the bytes read through it:
// hashing while copying or extracting, in one pass.
type HashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

// NewHashingReader reads r.
func NewHashingReader(r io.Reader) *HashingReader {
	return &HashingReader{r: r, h: sha256.New()}
}

func (r *HashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	r.n += int64(n)
	return n, err
}

// Sum is the sha256 (lower-case hex) of the bytes read so far.
func (r *HashingReader) Sum() string { return hex.EncodeToString(r.h.Sum(nil)) }

// N is how many bytes were read.
func (r *HashingReader) N() int64 { return r.n }
