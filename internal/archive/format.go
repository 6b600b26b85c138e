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

// formatOf holds the one list of archive suffixes: the installer picks an
// extractor by it, and `pyget install` tells an archive argument from a
// version request by it.
func formatOf(name string) (Format, error) {
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
