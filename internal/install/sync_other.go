//go:build !unix

package install

// syncDir is a no-op: Windows cannot open a directory for flushing.
func syncDir(string) {}
