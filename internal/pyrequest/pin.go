package pyrequest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PinFile is the file that pins a project's Python requests, as with uv and
// pyenv.
const PinFile = ".python-version"

// FindPin looks for PinFile in dir and its parents. It returns the requests
// the nearest one holds (ParsePin) and its path; none found is not an error
// (path ""). The requests are not parsed: a bad one is reported by whoever
// uses it, naming the file.
func FindPin(dir string) (reqs []string, path string, err error) {
	for {
		p := filepath.Join(dir, PinFile)
		reqs, found, err := ReadPin(p)
		if found || err != nil {
			return reqs, p, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, "", nil
		}
		dir = parent
	}
}

// FindPinOrGlobal is the pin in force in dir: the nearest PinFile in dir or
// its parents (FindPin), else the user-level pin file global (pyget pin
// --global; "" = none). A local pin always wins, even one naming nothing.
func FindPinOrGlobal(dir, global string) (reqs []string, path string, err error) {
	reqs, path, err = FindPin(dir)
	if path != "" || err != nil || global == "" {
		return reqs, path, err
	}
	reqs, found, err := ReadPin(global)
	if !found && err == nil {
		return nil, "", nil
	}
	return reqs, global, err
}

// ReadPin reads one pin file: its requests (ParsePin), and whether it
// exists; a missing file is not an error.
func ReadPin(path string) (reqs []string, found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	return ParsePin(string(data)), true, nil
}

// ParsePin returns the requests of a pin file's text: one per line, blank
// lines and # comments skipped. Lines of any length are read (a line too
// long to be a request is one, and fails to parse naming the file).
func ParsePin(text string) []string {
	var out []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
