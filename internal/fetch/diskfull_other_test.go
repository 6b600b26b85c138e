//go:build !linux

package fetch

import "testing"

// testDiskFull: a full disk is made with a small tmpfs mount, which only
// Linux has; fsutil's tests check that Windows' and macOS's disk-full errors
// are recognised.
func testDiskFull(t *testing.T) {
	t.Skip("a full disk needs a size-limited tmpfs mount (Linux only)")
}
