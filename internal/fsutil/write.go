package fsutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteFile writes data to path atomically and durably: into a temp file in
// the same directory, fsynced, renamed over path, and the directory fsynced.
// A reader (or a run after a crash or a power cut) sees the old content or
// the new, never a torn file. The temp file is removed on failure; one left
// by a crash is named ".<base>.tmp-*" (TempPattern) so that its owner can
// sweep it under its lock.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, data, perm, true)
}

// WriteFileFast is WriteFile without the fsyncs: still atomic (a kill -9
// leaves the old content or the new, never a torn file, and the same
// ".<base>.tmp-*" temp name), but a power cut may lose the new content, or
// leave the file empty or missing. Only for state that is cheap to lose and
// checked when read: a download's sidecar, saved every 4 MiB, where an fsync
// per save costs a third of a loopback transfer.
func WriteFileFast(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, data, perm, false)
}

// TempPattern is the glob (and os.CreateTemp pattern) of the temp files
// WriteFile and WriteFileFast create for base, the final name's base.
func TempPattern(base string) string { return "." + base + ".tmp-*" }

// IsTemp reports whether name (a base name) is a temp file WriteFile or
// WriteFileFast create, for any final name: what a sweep of a directory
// whose writes go through this package may remove (under its owner's lock).
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name[1:], ".tmp-")
}

func writeFile(path string, data []byte, perm os.FileMode, durable bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, TempPattern(base))
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name()) // half-written on a full disk
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if durable {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if durable {
		SyncDir(dir)
	}
	return nil
}

// SyncDir makes a rename in dir durable. Best effort: the rename already
// happened; this only narrows what a power loss can undo (and Windows has
// no directory fsync at all).
func SyncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	f.Sync()
	f.Close()
}
