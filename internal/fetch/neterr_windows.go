package fetch

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// Winsock reports a refused or reset connection with its own codes
// (WSAECONNREFUSED, WSAECONNRESET), not with the syscall.ECONNREFUSED and
// syscall.ECONNRESET Go invents for Windows, and errors.Is does not map one
// to the other.

func isConnRefused(err error) bool {
	return errors.Is(err, windows.WSAECONNREFUSED) || errors.Is(err, syscall.ECONNREFUSED)
}

func isConnReset(err error) bool {
	return errors.Is(err, windows.WSAECONNRESET) || errors.Is(err, syscall.ECONNRESET)
}
