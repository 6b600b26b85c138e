package store

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/testutil"
	"github.com/pyget/pyget/internal/trampoline"
)

// trampolineLayout is a layout whose commands are trampolines: the test
// binary is the template (testutil's init makes a copy with a trailer run
// the fake python.exe it names).
func trampolineLayout(t *testing.T) Layout {
	t.Helper()
	if testutil.SymlinksWork() {
		t.Skip("symlinks work here: commands are links, not trampolines")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	l := testLayout(t)
	l.NoRegistry = true
	l.Trampoline = self
	return l
}

// Without symlinks and with a template, the commands are trampoline .exe
// files: arguments arrive exactly as given, cmd.exe's metacharacters
// included (no cmd.exe on the way: a .cmd shim ran `echo pwned` here), the
// exit code comes back, and they follow upgrades and uninstalls.
func TestTrampolinesRunFollowUpgradeAndUninstall(t *testing.T) {
	l := trampolineLayout(t)
	names := []string{"python3.14", "python3", "python"}
	older, rep := installAndLink(t, l, cpy(5, ""), LinkOptions{Default: true})
	var want []string
	for _, n := range names {
		want = append(want, filepath.Join(l.BinDir, n+".exe"))
	}
	if !slices.Equal(rep.Links, want) {
		t.Fatalf("links %v, want %v", rep.Links, want)
	}
	for _, p := range want {
		target, ok, err := trampoline.Target(p)
		if err != nil || !ok || !strings.HasPrefix(target, older.Dir) {
			t.Errorf("%s: Target = %q, %v, %v; want into %s", p, target, ok, err, older.Dir)
		}
	}
	for _, n := range names {
		if out, err := runCmd(t, l, n); err != nil || out != "fake "+older.Entry.Key {
			t.Errorf("%s: %q, %v", n, out, err)
		}
	}
	args := []string{"plain", "with space", `say "hi"`, `trailing\`, `C:\Program Files\x`, "",
		"a&b", "x|y", "%PATH%", "^caret", "<in>", `q"&echo pwned`}
	out, err := runCmd(t, l, "python3.14", append([]string{"--fake-args"}, args...)...)
	var got []string
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || !slices.Equal(got, args) {
		t.Errorf("arguments through the trampoline: %q (%v), want %q", out, err, args)
	}
	for _, code := range []string{"0", "1", "7"} {
		_, err = runCmd(t, l, "python", "--fake-exit", code)
		var exit *exec.ExitError
		if code == "0" && err != nil || code != "0" && (!errors.As(err, &exit) || exit.ExitCode() != int(code[0]-'0')) {
			t.Errorf("exit code %s through the trampoline: %v", code, err)
		}
	}

	newer, _ := installAndLink(t, l, cpy(6, ""), LinkOptions{Default: true})
	for _, n := range names {
		if out, err := runCmd(t, l, n); err != nil || out != "fake "+newer.Entry.Key {
			t.Errorf("after the upgrade %s: %q, %v", n, out, err)
		}
	}
	if got := l.BinLinks(); got[newer.Entry.Key] != filepath.Join(l.BinDir, "python.exe") {
		t.Errorf("BinLinks = %v, want %s through python.exe", got, newer.Entry.Key)
	}
	if err := removeOne(l, newer.Entry.Key); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if out, err := runCmd(t, l, n); err != nil || out != "fake "+older.Entry.Key {
			t.Errorf("after uninstalling %s, %s: %q, %v", newer.Entry.Key, n, out, err)
		}
	}
	if err := removeOne(l, older.Entry.Key); err != nil {
		t.Fatal(err)
	}
	des, err := os.ReadDir(l.BinDir)
	if err != nil || len(des) != 0 {
		t.Errorf("bin dir after the last uninstall: %v, %v", des, err)
	}
}

// An upgrade replaces a trampoline that is running (Windows refuses to
// overwrite a running .exe): the running one finishes, the next start runs
// the new patch, and the old file is swept once it has exited.
func TestTrampolineReplacedWhileRunning(t *testing.T) {
	l := trampolineLayout(t)
	installAndLink(t, l, cpy(5, ""), LinkOptions{})
	cmd := exec.Command(binFile(l, "python3.14"), "--fake-wait-stdin")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || strings.TrimSpace(line) != "waiting" {
		t.Fatalf("running trampoline said %q, %v", line, err)
	}

	newer, _ := installAndLink(t, l, cpy(6, ""), LinkOptions{})
	if out, err := runCmd(t, l, "python3.14"); err != nil || out != "fake "+newer.Entry.Key {
		t.Errorf("while the old one runs, python3.14: %q, %v", out, err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("the running trampoline: %v", err)
	}
	// The next link sweeps what was moved aside.
	installAndLink(t, l, cpy(6, ""), LinkOptions{})
	des, _ := os.ReadDir(l.BinDir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), trampoline.TempPrefix) {
			t.Errorf("left in the bin dir: %s", de.Name())
		}
	}
}

// A .cmd shim of an older pyget gives way to a trampoline; a python3.14.exe
// pyget did not make stays unless forced.
func TestTrampolinesMigrateShimsLeaveForeignExe(t *testing.T) {
	l := trampolineLayout(t)
	noTemplate := l
	noTemplate.Trampoline = ""
	installAndLink(t, noTemplate, cpy(5, ""), LinkOptions{})
	if _, err := os.Stat(filepath.Join(l.BinDir, "python3.14.cmd")); err != nil {
		t.Fatalf("without a template: %v, want a .cmd shim", err)
	}
	inst, rep := installAndLink(t, l, cpy(5, ""), LinkOptions{})
	if want := []string{filepath.Join(l.BinDir, "python3.14.exe")}; !slices.Equal(rep.Links, want) {
		t.Errorf("links %v, want %v", rep.Links, want)
	}
	if _, err := os.Stat(filepath.Join(l.BinDir, "python3.14.cmd")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old shim is still there: %v", err)
	}
	if out, err := runCmd(t, l, "python3.14"); err != nil || out != "fake "+inst.Entry.Key {
		t.Errorf("python3.14: %q, %v", out, err)
	}

	l2 := trampolineLayout(t)
	mine := filepath.Join(l2.BinDir, "python3.14.exe")
	writeFile(t, mine, "MZ mine", 0o755)
	_, rep = installAndLink(t, l2, cpy(6, ""), LinkOptions{})
	if !slices.Equal(rep.Skipped, []string{mine}) || len(rep.Links) != 0 {
		t.Errorf("report %+v, want %s skipped", rep, mine)
	}
	if b, _ := os.ReadFile(mine); string(b) != "MZ mine" {
		t.Errorf("foreign exe changed: %.40q (%d bytes)", b, len(b))
	}
	forced, _ := installAndLink(t, l2, cpy(6, ""), LinkOptions{Force: true})
	if out, err := runCmd(t, l2, "python3.14"); err != nil || out != "fake "+forced.Entry.Key {
		t.Errorf("forced: %q, %v", out, err)
	}
}
