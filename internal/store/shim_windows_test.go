package store

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/testutil"
)

// runCmd runs a command in BinDir with args and returns its stdout.
func runCmd(t *testing.T, l Layout, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(binFile(l, name), args...).Output()
	return strings.TrimSpace(string(out)), err
}

// Without symlinks (a Windows user without Developer Mode; Wine) the
// commands are .cmd shims that run the build's python.exe: arguments with
// spaces and quotes arrive as given, the exit code comes back, and the
// shims follow upgrades and uninstalls as links through the minor link do
// elsewhere (issue #24: uninstalling the newest patch deleted them).
func TestShimsRunFollowUpgradeAndUninstall(t *testing.T) {
	if testutil.SymlinksWork() {
		t.Skip("symlinks work here: commands are links, not shims")
	}
	l := testLayout(t)
	l.NoRegistry = true
	older, rep := installAndLink(t, l, cpy(5, ""), LinkOptions{Default: true})
	var want []string
	for _, n := range []string{"python3.14", "python3", "python"} {
		want = append(want, filepath.Join(l.BinDir, n+".cmd"))
	}
	if !slices.Equal(rep.Links, want) {
		t.Fatalf("links %v, want %v", rep.Links, want)
	}
	for _, n := range []string{"python3.14", "python3", "python"} {
		if out, err := runCmd(t, l, n); err != nil || out != "fake "+older.Entry.Key {
			t.Errorf("%s: %q, %v", n, out, err)
		}
	}

	args := []string{"plain", "with space", `say "hi"`, `trailing\`, `C:\Program Files\x`, ""}
	out, err := runCmd(t, l, "python3.14", append([]string{"--fake-args"}, args...)...)
	var got []string
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || !slices.Equal(got, args) {
		t.Errorf("arguments through the shim: %q (%v), want %q", out, err, args)
	}
	_, err = runCmd(t, l, "python", "--fake-exit", "7")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 7 {
		t.Errorf("exit code through the shim: %v, want 7", err)
	}

	// The upgrade's patch takes the commands...
	newer, _ := installAndLink(t, l, cpy(6, ""), LinkOptions{Default: true})
	for _, n := range []string{"python3.14", "python3", "python"} {
		if out, err := runCmd(t, l, n); err != nil || out != "fake "+newer.Entry.Key {
			t.Errorf("after the upgrade %s: %q, %v", n, out, err)
		}
	}
	if got := l.BinLinks(); got[newer.Entry.Key] != filepath.Join(l.BinDir, "python.cmd") {
		t.Errorf("BinLinks = %v, want %s through python.cmd", got, newer.Entry.Key)
	}
	// ...and give them back when it is uninstalled.
	if err := removeOne(l, newer.Entry.Key); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"python3.14", "python3", "python"} {
		if out, err := runCmd(t, l, n); err != nil || out != "fake "+older.Entry.Key {
			t.Errorf("after uninstalling %s, %s: %q, %v", newer.Entry.Key, n, out, err)
		}
	}
	// The last one takes them along.
	if err := removeOne(l, older.Entry.Key); err != nil {
		t.Fatal(err)
	}
	des, err := os.ReadDir(l.BinDir)
	if err != nil || len(des) != 0 {
		t.Errorf("bin dir after the last uninstall: %v, %v", des, err)
	}
}

// A .cmd in BinDir that pyget did not write is left alone, unless forced.
func TestShimsLeaveForeignCmd(t *testing.T) {
	if testutil.SymlinksWork() {
		t.Skip("symlinks work here: commands are links, not shims")
	}
	l := testLayout(t)
	l.NoRegistry = true
	mine := filepath.Join(l.BinDir, "python3.14.cmd")
	writeFile(t, mine, "@echo mine\r\n", 0o755)
	_, rep := installAndLink(t, l, cpy(6, ""), LinkOptions{})
	if !slices.Equal(rep.Skipped, []string{mine}) || len(rep.Links) != 0 {
		t.Errorf("report %+v, want %s skipped", rep, mine)
	}
	if b, _ := os.ReadFile(mine); string(b) != "@echo mine\r\n" {
		t.Errorf("foreign shim changed: %q", b)
	}
	inst, _ := installAndLink(t, l, cpy(6, ""), LinkOptions{Force: true})
	if out, err := runCmd(t, l, "python3.14"); err != nil || out != "fake "+inst.Entry.Key {
		t.Errorf("forced: %q, %v", out, err)
	}
}
