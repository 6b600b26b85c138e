package fsutil

import (
	"errors"

	"golang.org/x/sys/windows"
)

// IsDiskFull reports whether err is a disk refusing writes as a whole: no
// room (ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL), the user's quota spent
// (ERROR_DISK_QUOTA_EXCEEDED), or write-protected media
// (ERROR_WRITE_PROTECT). No retry and no second read of the same bytes
// cures it. The one classifier of these codes: the transfer's (a file://
// mirror's disk, or the cache's) and the install's (the install dir's disk)
// use it.
func IsDiskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL) ||
		errors.Is(err, windows.ERROR_DISK_QUOTA_EXCEEDED) || errors.Is(err, windows.ERROR_WRITE_PROTECT)
}
