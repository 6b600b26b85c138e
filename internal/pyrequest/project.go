package pyrequest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// ProjectFile is the file whose [project] requires-python is a project's
// request when it has no PinFile, as with uv.
const ProjectFile = "pyproject.toml"

// RequiresPython is a project's [project] requires-python: a PEP 440
// specifier set, checked as a request.
type RequiresPython struct {
	Spec string // as written, e.g. ">=3.11,<3.14"
	File string // the pyproject.toml
	Line int    // where requires-python is written
}

// From names the setting for messages: "path:line (requires-python)".
func (rp RequiresPython) From() string {
	return fmt.Sprintf("%s:%d (requires-python)", rp.File, rp.Line)
}

// RequiresPythonError is a requires-python that is not a specifier set (or
// not a string): it names the file and line.
type RequiresPythonError struct {
	File string
	Line int
	Spec string
	Why  string
}

func (e *RequiresPythonError) Error() string {
	if e.Spec == "" {
		return fmt.Sprintf("%s:%d: requires-python: %s", e.File, e.Line, e.Why)
	}
	return fmt.Sprintf("%s:%d: invalid requires-python %q: %s", e.File, e.Line, e.Spec, e.Why)
}

// FindRequiresPython looks in dir and its parents for the nearest
// ProjectFile with a [project] table and returns its requires-python; found
// is false when there is none, or the project sets none. A file that is
// not TOML, or a requires-python that is not a PEP 440 specifier set, is an
// error naming the file (and line).
func FindRequiresPython(dir string) (rp RequiresPython, found bool, err error) {
	for {
		p := filepath.Join(dir, ProjectFile)
		rp, hasProject, err := readRequiresPython(p)
		if err != nil || hasProject {
			return rp, err == nil && rp.Spec != "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return RequiresPython{}, false, nil
		}
		dir = parent
	}
}

// readRequiresPython reads one pyproject.toml: hasProject when it exists
// with a [project] table.
func readRequiresPython(path string) (rp RequiresPython, hasProject bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return rp, false, nil
	}
	if err != nil {
		return rp, false, fmt.Errorf("reading %s: %w", path, err)
	}
	var doc struct {
		Project map[string]any `toml:"project"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return rp, false, fmt.Errorf("%s:%d: invalid TOML: %w", path, row, err)
		}
		return rp, false, fmt.Errorf("%s: invalid TOML: %w", path, err)
	}
	if doc.Project == nil {
		return rp, false, nil
	}
	raw, ok := doc.Project["requires-python"]
	if !ok {
		return RequiresPython{File: path}, true, nil
	}
	line := requiresPythonLine(data)
	spec, ok := raw.(string)
	if !ok {
		return rp, true, &RequiresPythonError{File: path, Line: line, Why: fmt.Sprintf("want a string such as \">=3.11\", not %T", raw)}
	}
	rp = RequiresPython{Spec: strings.TrimSpace(spec), File: path, Line: line}
	if err := checkRequiresPython(rp.Spec); err != "" {
		return rp, true, &RequiresPythonError{File: path, Line: line, Spec: spec, Why: err}
	}
	return rp, true, nil
}

// checkRequiresPython is why spec is not a PEP 440 specifier set ("" when
// it is one). A bare version is not a specifier set, though uv's request
// grammar takes it: requires-python = "3.11" is a mistake for ">=3.11".
func checkRequiresPython(spec string) string {
	if spec == "" {
		return "empty: want a PEP 440 specifier set such as \">=3.11\""
	}
	for _, clause := range strings.Split(spec, ",") {
		if _, why := parseSpecifier(clause); why != "" {
			return why
		}
	}
	return ""
}

// requiresPythonLine is the line requires-python is written on in
// [project] (or as project.requires-python); 0 when not found.
func requiresPythonLine(data []byte) int {
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = table[:0]
			for it := e.Key(); it.Next(); {
				table = append(table, string(it.Node().Data))
			}
		case unstable.KeyValue:
			full := append([]string(nil), table...)
			it := e.Key()
			var first *unstable.Node
			for it.Next() {
				if first == nil {
					first = it.Node()
				}
				full = append(full, string(it.Node().Data))
			}
			if strings.Join(full, ".") == "project.requires-python" && first != nil {
				return p.Shape(first.Raw).Start.Line
			}
		}
	}
	return 0
}
