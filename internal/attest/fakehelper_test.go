package attest

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The test binary is its own fake pyget-attest, so the fake runs on every
// OS (a shell script is no program on Windows): writeHelper copies it as
// pyget-attest[.exe] with a script of what to answer beside it, and a
// binary started under that name plays the script instead of testing.
func TestMain(m *testing.M) {
	if exe, err := os.Executable(); err == nil && strings.TrimSuffix(filepath.Base(exe), ".exe") == HelperName {
		os.Exit(playHelper(exe))
	}
	// A race-enabled binary sleeps a second at exit (the race runtime's
	// atexit_sleep_ms); the fake helpers need not.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

// helperScript is what a fake helper does: it saves its stdin and
// environment beside itself (helper+".stdin", helper+".env"), then writes
// Stdout and Stderr and exits with Exit.
type helperScript struct {
	Stdout []byte // bytes, not a string: a fuzzed answer need not be UTF-8
	Stderr string
	Exit   int
}

func playHelper(exe string) int {
	var s helperScript
	b, err := os.ReadFile(exe + ".script")
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		os.Stderr.WriteString("fake helper: " + err.Error() + "\n")
		return 3
	}
	in, _ := io.ReadAll(os.Stdin)
	_ = os.WriteFile(exe+".stdin", in, 0o644)
	_ = os.WriteFile(exe+".env", []byte(strings.Join(os.Environ(), "\n")+"\n"), 0o644)
	os.Stdout.Write(s.Stdout)
	os.Stderr.WriteString(s.Stderr)
	return s.Exit
}

// writeHelper makes a fake pyget-attest in dir that plays s; it returns
// its path.
func writeHelper(t testing.TB, dir string, s helperScript) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	helper := filepath.Join(dir, name)
	// A hard link is cheapest, but on Windows it would be the running
	// test binary itself, which cannot be deleted: copy there.
	if runtime.GOOS == "windows" || os.Link(self, helper) != nil {
		b, err := os.ReadFile(self)
		if err == nil {
			err = os.WriteFile(helper, b, 0o755)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(helper+".script", b, 0o644); err != nil {
		t.Fatal(err)
	}
	return helper
}
