package main

import "github.com/pyget/pyget/internal/catalog"

// onlyPinnedReleases is entries with each implementation's builds
// restricted to its pinned release: PYGET_CPYTHON_BUILD, PYGET_PYPY_BUILD,
// PYGET_GRAALPY_BUILD ("" = any).
func (a *app) onlyPinnedReleases(entries []catalog.Entry) []catalog.Entry {
	entries = catalog.OnlyCPythonRelease(entries, a.env.CPythonBuild)
	entries = catalog.OnlyRelease(entries, "pypy", a.env.PyPyBuild)
	return catalog.OnlyRelease(entries, "graalpy", a.env.GraalPyBuild)
}
