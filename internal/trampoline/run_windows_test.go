package trampoline

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/windows"
)

func rawCommandLine() string { return windows.UTF16PtrToString(windows.GetCommandLine()) }

// The target gets the trampoline's command line after the program name
// byte for byte, not arguments re-quoted: runs of spaces, quoting a
// program other than Go's runtime splits differently, all unchanged.
func TestRunKeepsCommandLineVerbatim(t *testing.T) {
	tramp, target := write(t)
	rest := `  "a  b"   c""d "q\"&echo pwned" x|y %PATH% ^^ \\"`
	cmd := exec.Command(tramp)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: syscall.EscapeArg(tramp) + rest}
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n")
	if len(lines) < 2 || lines[1] != syscall.EscapeArg(target)+rest {
		t.Errorf("target's command line %q, want %q", lines[1:], syscall.EscapeArg(target)+rest)
	}
}

func TestCommandLine(t *testing.T) {
	got := CommandLine(`C:\Program Files\py\python.exe`, `"C:\bin dir\python3.exe" -c "print(1)"`)
	if want := `"C:\Program Files\py\python.exe" -c "print(1)"`; got != want {
		t.Errorf("CommandLine = %q, want %q", got, want)
	}
}
