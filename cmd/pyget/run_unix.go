//go:build !windows

package main

import (
	"os"
	"os/exec"
	"syscall"
)

// execReplace replaces pyget with the interpreter: same process, so a
// signal sent to it (SIGTERM, a terminal's SIGINT) reaches the interpreter
// itself, and its exit status is the process's. It returns only on
// failure.
func execReplace(exe string, args []string) error {
	return syscall.Exec(exe, append([]string{exe}, args...), os.Environ())
}

func prepareChild(*exec.Cmd) {}

// childExitCode is a shell's status for the child: 128+N when signal N
// killed it.
func childExitCode(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
