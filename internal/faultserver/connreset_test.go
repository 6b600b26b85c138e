package faultserver

import (
	"errors"
	"syscall"
)

// connResets are the errors a reset connection reads as on the OS under
// test (Windows adds WSAECONNRESET in connreset_windows_test.go).
var connResets = []error{syscall.ECONNRESET}

func isConnReset(err error) bool {
	for _, e := range connResets {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
