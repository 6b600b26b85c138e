//go:build !windows

package store

import (
	"os"
	"path/filepath"
)

func symlink(target, path string, dir bool) error { return os.Symlink(target, path) }

func renameOver(from, to string) error { return os.Rename(from, to) }

func removeFile(path string) error { return os.Remove(path) }

// readShim: shims exist only on Windows.
func readShim(string) string { return "" }

// placeBin makes BinDir/name a symlink to target unless something pyget did
// not make is there (and not force). placed is false when it was left alone.
func (l Layout) placeBin(name, target string, force bool) (path string, placed bool, err error) {
	path = filepath.Join(l.BinDir, name)
	b, err := l.readBin(path)
	if err != nil {
		return path, false, err
	}
	switch {
	case b.dest == target:
		return path, true, nil
	case b.isDir, b.exists && !b.ours && !force:
		return path, false, nil
	}
	if err := replaceLink(target, path, false); err != nil {
		return path, false, err
	}
	return path, true, nil
}
