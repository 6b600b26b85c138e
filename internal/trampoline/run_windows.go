package trampoline

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"unsafe"
)

// errSharingViolation is ERROR_SHARING_VIOLATION, which syscall does not
// name (x/sys/windows does, but imports net: this package stays small).
const errSharingViolation = syscall.Errno(32)

// CommandLine is the command line that runs target with the arguments of
// line, the trampoline's own command line: its program name replaced by the
// quoted target, the rest kept byte for byte.
func CommandLine(target, line string) string {
	return syscall.EscapeArg(target) + ArgsOf(line)
}

// run starts target with this process's command line minus its first word,
// byte for byte, and waits for it.
//
// Windows hands a program one string, not a list: each program splits it
// itself. Rebuilding it from os.Args would re-quote the arguments our own
// runtime split, which is lossy for programs that split differently, so the
// rest of the line goes on verbatim and only the program name is replaced.
func run(exe, target string) int {
	line := commandLine()
	cmd := exec.Command(target)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: CommandLine(target, line)}
	inheritStdio(cmd)
	// Ctrl-C goes to every process on the console: the interpreter handles
	// it (KeyboardInterrupt), the trampoline only waits for it to exit.
	// signal.Notify stops Go's default (exit at once) for this process
	// only; SetConsoleCtrlHandler(nil, TRUE) would be inherited by the
	// child, which then could not be interrupted.
	ignore := make(chan os.Signal, 1)
	signal.Notify(ignore, os.Interrupt)
	if err := cmd.Start(); err != nil {
		return cannotStart(exe, target, err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return cannotStart(exe, target, err)
	}
	return 0
}

// replace renames tmp over path. A running trampoline at path cannot be
// replaced (access denied) but can be renamed: it goes aside under a
// TempPrefix name first, deleted by the next sweep after it exits.
func replace(tmp, path string) error {
	err := os.Rename(tmp, path)
	if err == nil || !errors.Is(err, syscall.ERROR_ACCESS_DENIED) && !errors.Is(err, errSharingViolation) {
		return err
	}
	aside, aerr := asideName(path)
	if aerr != nil {
		return err
	}
	if os.Rename(path, aside) != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		// Put the old one back rather than leave no command.
		os.Rename(aside, path)
		return err
	}
	// Deleted now if it is no longer running; else by a later sweep.
	os.Remove(aside)
	return nil
}

// commandLine is this process's command line as Windows gave it (a
// NUL-terminated UTF-16 string that lives as long as the process).
func commandLine() string {
	p := syscall.GetCommandLine()
	n := 0
	for *(*uint16)(unsafe.Add(unsafe.Pointer(p), 2*n)) != 0 {
		n++
	}
	return syscall.UTF16ToString(unsafe.Slice(p, n))
}
