package pipeline

import "github.com/pyget/pyget/internal/pyrequest"

// ProjectDefaults is the order in which a project's requests apply when a
// command is given none: the nearest .python-version in dir or its
// parents, else the nearest pyproject.toml's requires-python, else the
// global pin (global; "" = none). A project's own choice comes before the
// user's.
func ProjectDefaults(dir, global string) RequestSource {
	return FirstSource{PinFiles{Dir: dir}, RequiresPython{Dir: dir}, GlobalPin{Path: global}}
}

// FirstSource is the first of its sources that has a file in force (a
// from): its requests, even none (then Requests says the file names no
// version). An error stops the search.
type FirstSource []RequestSource

// DefaultRequests asks each source in turn.
func (s FirstSource) DefaultRequests() ([]string, string, error) {
	for _, src := range s {
		reqs, from, err := src.DefaultRequests()
		if err != nil || from != "" {
			return reqs, from, err
		}
	}
	return nil, "", nil
}

// RequiresPython is the [project] requires-python of the nearest
// pyproject.toml in Dir or its parents, as one request (a PEP 440
// specifier set such as ">=3.11", which pyrequest parses); from names its
// file and line. A nearer project without requires-python stops the
// search: it gives none. A malformed one is a *pyrequest.RequiresPythonError.
type RequiresPython struct{ Dir string }

// DefaultRequests is the project's requires-python, if any.
func (p RequiresPython) DefaultRequests() ([]string, string, error) {
	rp, found, err := pyrequest.FindRequiresPython(p.Dir)
	if err != nil || !found {
		return nil, "", err
	}
	return []string{rp.Spec}, rp.From(), nil
}

// GlobalPin is the user's pin file (pyget pin --global) at Path; "" =
// none.
type GlobalPin struct{ Path string }

// DefaultRequests is the global pin's requests, if the file exists.
func (g GlobalPin) DefaultRequests() ([]string, string, error) {
	if g.Path == "" {
		return nil, "", nil
	}
	reqs, found, err := pyrequest.ReadPin(g.Path)
	if err != nil || !found {
		return nil, "", err
	}
	return reqs, g.Path, nil
}
