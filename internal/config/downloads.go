package config

import "strings"

// PythonDownloads is PYGET_PYTHON_DOWNLOADS, uv's python-downloads with the
// same words: whether a command other than install (pyget run) may download
// the interpreter it needs.
type PythonDownloads string

const (
	// DownloadsAutomatic: run installs a missing interpreter (the default).
	DownloadsAutomatic PythonDownloads = "automatic"
	// DownloadsManual: only an explicit `pyget install` downloads.
	DownloadsManual PythonDownloads = "manual"
	// DownloadsNever: run never downloads (uv's word; install still does,
	// being asked to).
	DownloadsNever PythonDownloads = "never"
)

// pythonDownloads: automatic, manual or never, in any case; unset is
// automatic.
func (r *reader) pythonDownloads(name string) PythonDownloads {
	switch v := PythonDownloads(strings.ToLower(r.word(name))); v {
	case "":
		return DownloadsAutomatic
	case DownloadsAutomatic, DownloadsManual, DownloadsNever:
		return v
	}
	r.bad(name, r.word(name), "automatic, manual or never")
	return DownloadsAutomatic
}
