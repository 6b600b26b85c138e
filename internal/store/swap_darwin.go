package store

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps the two paths in one step (APFS and HFS+ support it).
func exchange(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.ENOSYS) {
		return errExchangeUnsupported
	}
	return err
}
