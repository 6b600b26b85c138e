package pyfix

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MarkerName is PEP 668's marker: in the standard library's folder of a
// base interpreter (sysconfig.get_path("stdlib")), it makes pip refuse to
// install into that interpreter unless told --break-system-packages. A
// virtual environment made from the interpreter is not affected: installers
// look for the marker only when sys.prefix is sys.base_prefix.
const MarkerName = "EXTERNALLY-MANAGED"

// markerText is the marker's content, an INI file whose Error pip prints.
// Every line of the message after the first is indented, which is how
// configparser continues a value.
func markerText(b Build) string {
	python := fmt.Sprintf("python%d.%d", b.Major, b.Minor)
	if b.Freethreaded {
		python += "t"
	}
	activate := ". .venv/bin/activate"
	if b.OS == "windows" {
		python = "py -" + fmt.Sprintf("%d.%d", b.Major, b.Minor)
		activate = `.venv\Scripts\activate`
	}
	lines := []string{
		"This Python is installed and managed by pyget, and is shared by every project",
		"that uses it: packages installed into it could break them, and the next",
		"`pyget upgrade` or `pyget install --reinstall` replaces it, without them.",
		"Make a virtual environment for your project and install into that:",
		"",
		"    " + python + " -m venv .venv",
		"    " + activate,
		"    python -m pip install <package>",
		"",
		"For an application, pipx (or `uv tool install`) makes one for you.",
		"To install into this interpreter anyway, pass --break-system-packages to pip,",
		"or install it without this marker: `pyget install --reinstall",
		"--no-externally-managed` (or PYGET_NO_EXTERNALLY_MANAGED=1).",
	}
	var b2 strings.Builder
	b2.WriteString("[externally-managed]\nError=")
	for i, l := range lines {
		if i > 0 {
			// An empty line would end the value for some readers: keep the
			// indentation alone on it.
			b2.WriteString(" ")
		}
		b2.WriteString(l)
		b2.WriteString("\n")
	}
	return b2.String()
}

// writeMarker writes the marker into the stdlib folder (relative to dir)
// and returns its path relative to dir.
func writeMarker(dir, stdlib string, b Build) (string, error) {
	rel := stdlib + "/" + MarkerName
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(markerText(b)), 0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", rel, err)
	}
	return rel, nil
}
