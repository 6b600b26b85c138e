package archive

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrUnknownFormat is returned by FormatOf for names without a known suffix.
var ErrUnknownFormat = errors.New("unknown archive format")

// String names the format as its usual file suffix.
func (f Format) String() string {
	switch f {
	case TarGz:
		return "tar.gz"
	case TarZst:
		return "tar.zst"
	case Zip:
		return "zip"
	}
	return "unknown"
}

// FormatOf tells the format from a file name or URL (".tar.gz", ".tgz",
// ".tar.zst", ".tar.zstd", ".tzst", ".zip"; URL-escaped names and query
// strings allowed). It holds the one list of archive suffixes: the installer
// picks an extractor by it, and `pyget install` tells an archive argument
// from a version request by it.
func FormatOf(name string) (Format, error) {
	s := name
	// The query and fragment go first: an escaped "?" inside the file name is
	// part of the name, a literal one starts the query.
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	s = strings.ToLower(s)
	switch {
	case strings.HasSuffix(s, ".tar.gz"), strings.HasSuffix(s, ".tgz"):
		return TarGz, nil
	case strings.HasSuffix(s, ".tar.zst"), strings.HasSuffix(s, ".tar.zstd"), strings.HasSuffix(s, ".tzst"):
		return TarZst, nil
	case strings.HasSuffix(s, ".zip"):
		return Zip, nil
	}
	return FormatUnknown, fmt.Errorf("%w: %q", ErrUnknownFormat, name)
}

// Sniff tells the format from an archive's first bytes (four are enough):
// the gzip, zstd and zip (local file header) signatures. A zstd or gzip
// stream is taken for its tar form, the only one pyget installs. ok is false
// for anything else, such as an HTML error page served in an archive's
// place.
func Sniff(b []byte) (f Format, ok bool) {
	switch {
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return TarGz, true
	case len(b) >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd:
		return TarZst, true
	case len(b) >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4:
		return Zip, true
	}
	return FormatUnknown, false
}
