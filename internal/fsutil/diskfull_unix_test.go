//go:build !windows

package fsutil

import "syscall"

func diskFullErrors() []error {
	return []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS}
}
