package pyrequest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRequiresPythonTable: a project's requires-python, found from a
// subfolder, is the request; the newest matching installed build is
// chosen, else the newest matching download.
func TestRequiresPythonTable(t *testing.T) {
	all := fixture(t)
	// Installed: two patches of 3.12 and 3.13's newest, on this platform.
	var installed []catalog.Entry
	for _, key := range h("3.12.3", "3.12.1", "3.13.3", "3.11.9") {
		for _, e := range all {
			if e.Key == key {
				installed = append(installed, e)
			}
		}
	}
	if len(installed) != 4 {
		t.Fatalf("fixture lacks the installed builds: %d", len(installed))
	}
	tests := []struct {
		spec                  string
		wantInstalled, wantDL string // "" = none matches
	}{
		{">=3.11", "3.13.3", "3.13.3"},
		{"~=3.12.0", "3.12.3", "3.12.4"},
		{">=3.10,<3.13", "3.12.3", "3.12.4"},
		{"==3.13.*", "3.13.3", "3.13.3"},
		{"!=3.13.*", "3.12.3", "3.12.4"},
		{"!=3.14.*", "3.13.3", "3.13.3"},
		{">=3.10, <3.12", "3.11.9", "3.11.9"},
		{"<3.10", "", ""},
		{">3.13.3", "", "3.14.0rc1"}, // only pre-releases are left: uv takes them
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, ProjectFile), "[project]\nname = \"demo\"\nrequires-python = \""+tt.spec+"\"\n")
			sub := filepath.Join(root, "src", "pkg")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			rp, found, err := FindRequiresPython(sub)
			if err != nil {
				t.Fatal(err)
			}
			if !found || rp.Spec != tt.spec || rp.From() != filepath.Join(root, ProjectFile)+":3 (requires-python)" {
				t.Fatalf("requires-python %q from %q (found %v)", rp.Spec, rp.From(), found)
			}
			r, err := Parse(rp.Spec)
			if err != nil {
				t.Fatal(err)
			}
			version := func(es []catalog.Entry) string {
				if len(es) == 0 {
					return ""
				}
				return es[0].Version()
			}
			if got := version(r.Select(installed, hostGnu)); got != tt.wantInstalled {
				t.Errorf("installed: %q, want %q", got, tt.wantInstalled)
			}
			if got := version(r.Select(all, hostGnu)); got != tt.wantDL {
				t.Errorf("download: %q, want %q", got, tt.wantDL)
			}
		})
	}
}

func TestRequiresPythonMalformed(t *testing.T) {
	tests := []struct{ text, want string }{
		{"[project]\nname = \"x\"\n\nrequires-python = \">=3.11,<\"\n", `:4: invalid requires-python ">=3.11,<"`},
		{"[project]\nrequires-python = \"3.11\"\n", `:2: invalid requires-python "3.11": specifier "3.11" has no operator`},
		{"[project]\nrequires-python = \"=>3.11\"\n", `:2: invalid requires-python "=>3.11": unknown operator`},
		{"[project]\nrequires-python = \">=3.*\"\n", `:2: invalid requires-python ">=3.*"`},
		{"[project]\nrequires-python = 3.11\n", `:2: requires-python: want a string`},
		{"project.requires-python = \"~=3\"\n", `:1: invalid requires-python "~=3"`},
		{"[project]\nrequires-python = \n", `:2: invalid TOML`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, ProjectFile)
		writeFile(t, path, tt.text)
		_, _, err := FindRequiresPython(dir)
		if err == nil || !strings.Contains(err.Error(), path+tt.want) {
			t.Errorf("%q: error %v, want it to contain %q", tt.text, err, path+tt.want)
		}
		var rpe *RequiresPythonError
		if strings.Contains(tt.want, "requires-python") && !errors.As(err, &rpe) {
			t.Errorf("%q: %v is no RequiresPythonError", tt.text, err)
		}
	}
}
