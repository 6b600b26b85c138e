//go:build !unix

package e2e

// setUmask: Windows has no umask (the suite runs on Linux only; this keeps
// it compiling elsewhere).
func setUmask(int) {}
