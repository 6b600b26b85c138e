//go:build !windows

package fsutil

import (
	"errors"
	"syscall"
)

// IsDiskFull reports whether err is a disk refusing writes as a whole: no
// room (ENOSPC), the user's quota spent (EDQUOT), or a filesystem mounted
// read-only (EROFS). No retry and no second read of the same bytes cures
// it. The one classifier of these codes: the transfer's (a file:// mirror's
// disk, or the cache's) and the install's (the install dir's disk) use it.
func IsDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS)
}
