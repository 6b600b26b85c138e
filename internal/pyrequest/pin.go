package pyrequest

import (
	"bufio"
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
		data, err := os.ReadFile(p)
		if err == nil {
			return ParsePin(string(data)), p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, p, fmt.Errorf("reading %s: %w", p, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, "", nil
		}
		dir = parent
	}
}

// ParsePin returns the requests of a pin file's text: one per line, blank
// lines and # comments skipped.
func ParsePin(text string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}
