package catalog

// OnlyRelease returns entries with the builds of implementation name (pypy,
// graalpy, cpython) restricted to release build ("" = every release);
// other implementations' builds are all kept. PYGET_PYPY_BUILD and
// PYGET_GRAALPY_BUILD pin PyPy and GraalPy as PYGET_CPYTHON_BUILD pins
// CPython (OnlyCPythonRelease).
func OnlyRelease(entries []Entry, name, build string) []Entry {
	if build == "" {
		return entries
	}
	var out []Entry
	for _, e := range entries {
		if e.Name != name || e.Build == build {
			out = append(out, e)
		}
	}
	return out
}
