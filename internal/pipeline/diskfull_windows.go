package pipeline

import (
	"errors"

	"golang.org/x/sys/windows"
)

// localDiskFull reports whether err is the local disk refusing a write for
// want of room: a condition no second read of the archive can cure.
func localDiskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL) ||
		errors.Is(err, windows.ERROR_WRITE_PROTECT)
}
