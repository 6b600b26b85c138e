//go:build !linux

package pipeline

import "os"

// danglingNow reports why the link p leads nowhere at this moment, or nil
// when it leads somewhere or is not there (see the Linux version, which
// also tells a link made again from the same one).
func danglingNow(p string) error {
	if _, err := os.Lstat(p); err != nil {
		return nil
	}
	if err := leadsSomewhere(p); err != nil {
		// It may have been removed between the two calls.
		if _, lerr := os.Lstat(p); lerr == nil {
			return err
		}
	}
	return nil
}
