// Command pyget-shim is the template of the commands pyget puts into its
// bin dir on Windows where symlinks cannot be made: pyget copies it to
// python3.14.exe (and so on) with the interpreter's path appended (see
// internal/trampoline). Started as such a copy, it runs the interpreter
// with its own arguments and exits with its exit code. It must sit beside
// pyget.exe (or on PATH); `make build` builds both.
package main

import (
	"fmt"
	"os"

	"github.com/pyget/pyget/internal/trampoline"
)

func main() {
	if !trampoline.Run() {
		fmt.Fprintln(os.Stderr, "pyget-shim is the template pyget copies into its bin dir for each command; run pyget instead")
		os.Exit(2)
	}
}
