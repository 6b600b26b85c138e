//go:build !windows

package trampoline

import (
	"os"
	"strings"
)

// rawCommandLine: no such thing outside Windows; the arguments joined.
func rawCommandLine() string { return strings.Join(os.Args, " ") }
