package testutil

import "golang.org/x/sys/windows"

// DiskFullErrno is the error a write to a full disk fails with here:
// ERROR_DISK_FULL on Windows (ERROR_HANDLE_DISK_FULL is its twin).
var DiskFullErrno error = windows.ERROR_DISK_FULL
