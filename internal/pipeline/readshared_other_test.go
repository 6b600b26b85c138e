//go:build !windows

package pipeline

import "os"

// readShared: POSIX readers never stop a rename.
func readShared(path string) ([]byte, error) { return os.ReadFile(path) }
