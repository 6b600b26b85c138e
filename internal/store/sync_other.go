//go:build !unix

package store

// syncDir is a no-op: Windows cannot open a directory for flushing.
func syncDir(string) {}
