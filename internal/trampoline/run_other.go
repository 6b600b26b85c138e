//go:build !windows

package trampoline

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// run, outside Windows, starts target with os.Args[1:] (an argument vector
// there, nothing to re-parse). pyget makes no trampolines outside Windows
// (commands are symlinks); this keeps a copied template meaningful and the
// trailer testable on Linux.
func run(exe, target string) int {
	cmd := exec.Command(target, os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	inheritStdio(cmd)
	ignore := make(chan os.Signal, 1)
	signal.Notify(ignore, os.Interrupt)
	if err := cmd.Start(); err != nil {
		return cannotStart(exe, target, err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code >= 0 {
			return code
		}
		return 128 + 2 // killed by a signal: as a shell reports SIGINT's
	}
	if err != nil {
		return cannotStart(exe, target, err)
	}
	return 0
}

func replace(tmp, path string) error { return os.Rename(tmp, path) }
