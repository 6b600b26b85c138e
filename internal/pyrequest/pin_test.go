package pyrequest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindPinWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, PinFile), []byte("# comment\n3.13\n\npypy@3.10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reqs, path, err := FindPin(deep)
	if err != nil || path != filepath.Join(root, PinFile) || strings.Join(reqs, ",") != "3.13,pypy@3.10" {
		t.Fatalf("FindPin = %q, %q, %v", reqs, path, err)
	}
}

func TestFindPinNearestWins(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	for dir, body := range map[string]string{root: "3.12\n", deep: "  3.14t  \r\n"} {
		if err := os.WriteFile(filepath.Join(dir, PinFile), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reqs, path, err := FindPin(deep)
	if err != nil || path != filepath.Join(deep, PinFile) || strings.Join(reqs, ",") != "3.14t" {
		t.Fatalf("FindPin = %q, %q, %v", reqs, path, err)
	}
}

func TestFindPinNone(t *testing.T) {
	// The temp dir's parents may hold a pin of their own; only check that
	// one found is not in the temp dir.
	dir := t.TempDir()
	reqs, path, err := FindPin(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(path, dir) {
		t.Fatalf("FindPin found %s (%q) in an empty dir", path, reqs)
	}
}

func TestParsePin(t *testing.T) {
	tests := map[string]string{
		"":                           "",
		"3.13":                       "3.13",
		"# only a comment\n\n":       "",
		"3.13\n# 3.12\n  pypy@3.10 ": "3.13|pypy@3.10",
		"3.13\r\n3.12\r\n":           "3.13|3.12",
	}
	for in, want := range tests {
		if got := strings.Join(ParsePin(in), "|"); got != want {
			t.Errorf("ParsePin(%q) = %q, want %q", in, got, want)
		}
	}
}
