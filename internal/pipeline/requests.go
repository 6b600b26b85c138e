package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyget/pyget/internal/archive"
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

// ErrNoArchive: an install argument looks like a local archive's path, but
// no such file exists.
var ErrNoArchive = errors.New("no such archive")

// ArchivePath tells an install argument that names a local archive from a
// request: the archive's absolute path when arg ends in an archive suffix
// (archive.FormatOf's list, which never ends a version request) and the file
// exists; "" for a request. When given (the argument was typed, not read
// from a pin), an archive suffix on a missing file with none of a request's
// operators is a mistyped path: an error wrapping ErrNoArchive.
func ArchivePath(arg string, given bool) (string, error) {
	if _, err := archive.FormatOf(arg); err != nil {
		return "", nil
	}
	if _, err := os.Stat(arg); err == nil {
		return filepath.Abs(arg)
	}
	if given && !strings.ContainsAny(arg, "<>=!~,@") {
		return "", fmt.Errorf("%s: %w", arg, ErrNoArchive)
	}
	return "", nil
}

// BestInstalled returns the installed builds matching r on p, best first
// (pyrequest's order).
func BestInstalled(all []store.Installation, r pyrequest.Request, p *platform.Platform) []store.Installation {
	entries := make([]catalog.Entry, len(all))
	byKey := make(map[string]store.Installation, len(all))
	for i, inst := range all {
		entries[i] = inst.Entry
		byKey[inst.Entry.Key] = inst
	}
	var out []store.Installation
	for _, e := range r.Select(entries, p) {
		out = append(out, byKey[e.Key])
	}
	return out
}

// NoBuildError: a request matches no build, in the catalog or installed.
type NoBuildError struct{ Request string }

func (e *NoBuildError) Error() string {
	return fmt.Sprintf("no build matches %q in the catalog", e.Request)
}

// Digests are the sha256s (lower case, each once, in the order found) of
// the builds the requests match, of every platform unless a request names
// one: in entries, and installed (an install's own record knows a digest the
// catalog may lack). names maps each digest to its build's key. The first
// request matching no build at all gives a *NoBuildError.
func Digests(entries []catalog.Entry, installed []store.Installation, reqs []pyrequest.Request) (shas []string, names map[string]string, err error) {
	names = map[string]string{}
	add := func(sha, key string) {
		if addName(names, sha, key) {
			shas = append(shas, strings.ToLower(sha))
		}
	}
	for _, r := range reqs {
		matched := false
		for _, e := range entries {
			if r.Matches(e, nil) {
				matched = true
				add(e.SHA256, e.Key)
			}
		}
		for _, inst := range installed {
			if r.Matches(inst.Entry, nil) {
				matched = true
				add(inst.SHA256, inst.Entry.Key)
			}
		}
		if !matched {
			return nil, nil, &NoBuildError{Request: r.String()}
		}
	}
	return shas, names, nil
}
