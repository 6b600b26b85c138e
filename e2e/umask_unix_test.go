//go:build unix

package e2e

import "syscall"

func setUmask(mask int) { syscall.Umask(mask) }
