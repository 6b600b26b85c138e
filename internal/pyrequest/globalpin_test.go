package pyrequest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The global pin is used only when no local pin is found; a local pin wins,
// even an empty one.
func TestFindPinOrGlobal(t *testing.T) {
	root := t.TempDir()
	project := filepath.Join(root, "project", "sub")
	config := filepath.Join(root, "config")
	for _, d := range []string{project, config} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	global := filepath.Join(config, PinFile)
	write := func(p, body string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	find := func() string {
		t.Helper()
		reqs, path, err := FindPinOrGlobal(project, global)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(path, root) {
			return "" // none, or a pin above the temp dir: not this test's
		}
		rel, _ := filepath.Rel(root, path)
		return filepath.ToSlash(rel) + ":" + strings.Join(reqs, ",")
	}

	if got := find(); got != "" {
		t.Errorf("no pins: %q", got)
	}
	write(global, "3.13\n")
	if got := find(); got != "config/.python-version:3.13" {
		t.Errorf("global only: %q", got)
	}
	write(filepath.Join(root, "project", PinFile), "3.14\n")
	if got := find(); got != "project/.python-version:3.14" {
		t.Errorf("local and global: %q", got)
	}
	write(filepath.Join(root, "project", PinFile), "# nothing\n")
	if got := find(); got != "project/.python-version:" {
		t.Errorf("empty local and global: %q", got)
	}
	// No global pin file named: local pins only.
	os.Remove(filepath.Join(root, "project", PinFile))
	if reqs, path, err := FindPinOrGlobal(project, ""); err != nil || strings.HasPrefix(path, root) {
		t.Errorf("no global: %q %q %v", reqs, path, err)
	}
}

func TestReadPin(t *testing.T) {
	dir := t.TempDir()
	if reqs, found, err := ReadPin(filepath.Join(dir, "missing")); reqs != nil || found || err != nil {
		t.Errorf("missing: %q %v %v", reqs, found, err)
	}
	// A directory where the pin should be is an error naming it.
	bad := filepath.Join(dir, PinFile)
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadPin(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("directory: %v", err)
	}
}
