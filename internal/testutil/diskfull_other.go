//go:build !windows

package testutil

import "syscall"

// DiskFullErrno is the error a write to a full disk fails with here:
// ENOSPC.
var DiskFullErrno error = syscall.ENOSPC
