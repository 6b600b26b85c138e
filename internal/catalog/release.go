package catalog

import "slices"

// OnlyCPythonRelease returns the entries a team pinned to one
// python-build-standalone release (tag, e.g. "20260610") may download: that
// release's CPython builds, and every PyPy and GraalPy build (they are not
// python-build-standalone's, so its releases do not apply to them). tag ""
// pins nothing: entries come back as they are. The result is a new slice.
func OnlyCPythonRelease(entries []Entry, tag string) []Entry {
	if tag == "" {
		return entries
	}
	var out []Entry
	for _, e := range entries {
		if e.Name != "cpython" || e.Build == tag {
			out = append(out, e)
		}
	}
	return out
}

// Releases are the python-build-standalone release tags of the CPython
// entries among entries, newest first, each once.
func Releases(entries []Entry) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		if e.Name == "cpython" && e.Build != "" && !seen[e.Build] {
			seen[e.Build] = true
			out = append(out, e.Build)
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}
