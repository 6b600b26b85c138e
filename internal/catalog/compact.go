package catalog

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// The compact copy is the parsed catalog in a form that loads in well under
// a millisecond (encoding/json needs tens of them for uv's 3 MB file):
//
//	magic, key, warnings, entries, CRC-32C of all that
//
// where strings are uvarint length + bytes and every entry is its 11 string
// fields then major, minor, patch as uvarints. key ties the copy to the JSON
// it was made from; a copy with another key is stale.
const compactMagic = "PYGETCAT\x01"

var (
	errCompactStale   = errors.New("compact catalog is stale")
	errCompactCorrupt = errors.New("compact catalog is corrupt")
	crcTable          = crc32.MakeTable(crc32.Castagnoli)
)

func encodeCompact(key string, warnings []string, entries []Entry) []byte {
	size := len(compactMagic) + 16 + len(key)
	for _, w := range warnings {
		size += len(w) + 4
	}
	for i := range entries {
		e := &entries[i]
		size += 40 + len(e.Key) + len(e.Name) + len(e.Arch.Family) + len(e.Arch.Variant) + len(e.OS) +
			len(e.Libc) + len(e.Prerelease) + len(e.URL) + len(e.SHA256) + len(e.Variant) + len(e.Build)
	}
	b := make([]byte, 0, size)
	b = append(b, compactMagic...)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(key)
	b = binary.AppendUvarint(b, uint64(len(warnings)))
	for _, w := range warnings {
		str(w)
	}
	b = binary.AppendUvarint(b, uint64(len(entries)))
	for i := range entries {
		e := &entries[i]
		for _, s := range [...]string{e.Key, e.Name, e.Arch.Family, e.Arch.Variant, e.OS, e.Libc,
			e.Prerelease, e.URL, e.SHA256, e.Variant, e.Build} {
			str(s)
		}
		b = binary.AppendUvarint(b, uint64(e.Major))
		b = binary.AppendUvarint(b, uint64(e.Minor))
		b = binary.AppendUvarint(b, uint64(e.Patch))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// decodeCompact returns the entries and warnings of a compact copy made for
// wantKey. All strings share one backing string: one allocation for the
// whole catalog.
func decodeCompact(data []byte, wantKey string) ([]Entry, []string, error) {
	_, entries, warnings, err := decodeCompactKey(data, func(key string) bool { return key == wantKey })
	return entries, warnings, err
}

// decodeCompactKey decodes a compact copy whose key keep accepts (else
// errCompactStale), and returns that key too.
func decodeCompactKey(data []byte, keep func(key string) bool) (string, []Entry, []string, error) {
	if len(data) < len(compactMagic)+4 || string(data[:len(compactMagic)]) != compactMagic {
		return "", nil, nil, errCompactCorrupt
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return "", nil, nil, errCompactCorrupt
	}
	d := compactReader{s: string(body[len(compactMagic):])}
	key := d.str()
	if d.err || !keep(key) {
		return "", nil, nil, errCompactStale
	}
	var warnings []string
	if n := d.count(); n > 0 {
		warnings = make([]string, n)
		for i := range warnings {
			warnings[i] = d.str()
		}
	}
	n := d.count()
	entries := make([]Entry, n)
	for i := range entries {
		e := &entries[i]
		e.Key, e.Name, e.Arch.Family, e.Arch.Variant = d.str(), d.str(), d.str(), d.str()
		e.OS, e.Libc, e.Prerelease, e.URL = d.str(), d.str(), d.str(), d.str()
		e.SHA256, e.Variant, e.Build = d.str(), d.str(), d.str()
		e.Major, e.Minor, e.Patch = d.int(), d.int(), d.int()
		if d.err {
			break
		}
	}
	if d.err || d.s != "" {
		return "", nil, nil, errCompactCorrupt
	}
	return key, entries, warnings, nil
}

// compactReader consumes s; a read past the end sets err and yields zero
// values, so the decode loop checks once per entry.
type compactReader struct {
	s   string
	err bool
}

func (d *compactReader) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.s == "" {
			d.err = true
			return 0
		}
		c := d.s[0]
		d.s = d.s[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.err = true
	return 0
}

func (d *compactReader) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.err, d.s = true, ""
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *compactReader) int() int {
	v := d.uvarint()
	if v > 1<<31 {
		d.err = true
		return 0
	}
	return int(v)
}

// count reads a length and bounds it by what is left, so a corrupt count
// cannot make us allocate more than the file could hold.
func (d *compactReader) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.err, d.s = true, ""
		return 0
	}
	return int(n)
}
