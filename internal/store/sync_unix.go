//go:build unix

package store

import "os"

// syncDir makes a rename in dir durable. Best effort: the rename already
// happened; this only narrows what a power loss can undo.
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	f.Sync()
	f.Close()
}
