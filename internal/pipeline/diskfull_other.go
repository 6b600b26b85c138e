//go:build !windows

package pipeline

import (
	"errors"
	"syscall"
)

// localDiskFull reports whether err is the local disk refusing a write for
// want of room (or of write access to the whole filesystem): a condition no
// second read of the archive can cure.
func localDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS)
}
