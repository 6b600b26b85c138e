package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// The snapshot is the catalog built into pyget, so that a fresh machine
// without network (or behind a firewall that blocks the catalog's host) can
// still list and install. `make catalog` regenerates it
// (internal/catalog/cmd/gencatalog): the compact form, gzipped, with
//
//	snapshot \x00 date \x00 builds \x00 source
//
// as its key, and the same facts, one a line, as the gzip header's comment,
// so that they are read without decompressing anything.
//
//go:embed snapshot/catalog.bin.gz
var embeddedSnapshot []byte

const (
	snapshotKeyPrefix     = "snapshot\x00"
	snapshotCommentPrefix = "pyget catalog snapshot\n"
)

// SnapshotInfo describes a catalog snapshot.
type SnapshotInfo struct {
	Date   string // Catalog.Date of its entries, e.g. "20260814"
	Builds int
	Source string // what it was made from: a URL, or a file's name
}

// EncodeSnapshot makes a snapshot of c in the form SnapshotData and the
// embedded snapshot take. source says what c was made from.
func EncodeSnapshot(c *Catalog, source string) ([]byte, error) {
	if len(c.Entries) == 0 {
		return nil, errors.New("catalog snapshot: no entries")
	}
	if strings.Contains(source, "\x00") {
		return nil, errors.New("catalog snapshot: NUL in the source name")
	}
	if strings.ContainsAny(source, "\n") || !isLatin1(source) {
		return nil, errors.New("catalog snapshot: the source name must be one line of Latin-1")
	}
	facts := c.Date() + "\x00" + strconv.Itoa(len(c.Entries)) + "\x00" + source
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.Comment = snapshotCommentPrefix + strings.ReplaceAll(facts, "\x00", "\n")
	key := snapshotKeyPrefix + facts
	if _, err := zw.Write(encodeCompact(key, nil, c.Entries)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EmbeddedSnapshot describes the snapshot built into pyget.
func EmbeddedSnapshot() (SnapshotInfo, error) { return readSnapshotInfo(embeddedSnapshot) }

// readSnapshotInfo reads a snapshot's facts from its gzip header.
func readSnapshotInfo(data []byte) (SnapshotInfo, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("catalog snapshot: %w", err)
	}
	facts, ok := strings.CutPrefix(zr.Comment, snapshotCommentPrefix)
	if !ok {
		return SnapshotInfo{}, fmt.Errorf("catalog snapshot: %w", errCompactCorrupt)
	}
	info, ok := parseSnapshotKey(snapshotKeyPrefix + strings.ReplaceAll(facts, "\n", "\x00"))
	if !ok {
		return SnapshotInfo{}, fmt.Errorf("catalog snapshot: %w", errCompactCorrupt)
	}
	return info, nil
}

func isLatin1(s string) bool {
	for _, r := range s {
		if r == 0 || r > 0xff {
			return false
		}
	}
	return true
}

func parseSnapshotKey(key string) (SnapshotInfo, bool) {
	rest, ok := strings.CutPrefix(key, snapshotKeyPrefix)
	if !ok {
		return SnapshotInfo{}, false
	}
	parts := strings.SplitN(rest, "\x00", 3)
	if len(parts) != 3 {
		return SnapshotInfo{}, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n <= 0 {
		return SnapshotInfo{}, false
	}
	return SnapshotInfo{Date: parts[0], Builds: n, Source: parts[2]}, true
}

// decodeSnapshot decodes a whole snapshot.
func decodeSnapshot(data []byte) (*Catalog, SnapshotInfo, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("catalog snapshot: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("catalog snapshot: %w", err)
	}
	var info SnapshotInfo
	_, entries, _, err := decodeCompactKey(raw, func(key string) bool {
		var ok bool
		info, ok = parseSnapshotKey(key)
		return ok
	})
	if head, herr := readSnapshotInfo(data); err == nil && (herr != nil || head != info || len(entries) != info.Builds) {
		err = errCompactCorrupt
	}
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("catalog snapshot: %w", err)
	}
	return &Catalog{Source: info.Source, Entries: entries, From: FromSnapshot}, info, nil
}

func (l *Loader) snapshotData() []byte {
	if l.SnapshotData != nil {
		return l.SnapshotData
	}
	return embeddedSnapshot
}

// snapshotInfo describes the loader's snapshot; an unusable one is no
// fallback, said once under -v.
func (l *Loader) snapshotInfo() (SnapshotInfo, error) {
	l.snapOnce.Do(func() {
		l.snapInfo, l.snapErr = readSnapshotInfo(l.snapshotData())
		if l.snapErr != nil {
			l.warn(Detail, "the catalog built into pyget is unusable: %v", l.snapErr)
		}
	})
	return l.snapInfo, l.snapErr
}

// loadSnapshot decodes the loader's snapshot; each call gets its own copy.
func (l *Loader) loadSnapshot() (*Catalog, error) {
	if _, err := l.snapshotInfo(); err != nil {
		return nil, err
	}
	c, _, err := decodeSnapshot(l.snapshotData())
	return c, err
}

// describeSnapshot is how warnings name the snapshot.
func describeSnapshot(info SnapshotInfo) string {
	return fmt.Sprintf("the catalog built into pyget (%s, %d builds)", info.Date, info.Builds)
}
