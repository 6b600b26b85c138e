package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pyget/pyget/internal/fsutil"
)

// writeRecord writes rec into dir atomically, so a record, once present, is
// whole.
func writeRecord(dir string, rec Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding install record: %w", err)
	}
	if err := fsutil.WriteFile(filepath.Join(dir, recordName), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("install record: %w", err)
	}
	return nil
}

// readInstallation checks that dir holds a complete install of key: a
// readable record naming key and an interpreter that exists.
func readInstallation(dir, key string) (Installation, error) {
	data, err := os.ReadFile(filepath.Join(dir, recordName))
	if err != nil {
		return Installation{}, err
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return Installation{}, fmt.Errorf("install record in %s: %w", dir, err)
	}
	if rec.Entry.Key != key {
		return Installation{}, fmt.Errorf("install record in %s is for %q", dir, rec.Entry.Key)
	}
	rel, err := mainExecutable(rec.Entry, dir)
	if err != nil {
		return Installation{}, err
	}
	return Installation{Record: rec, Dir: dir, Executable: filepath.Join(dir, filepath.FromSlash(rel))}, nil
}

// Installed lists complete installs (incomplete or foreign folders are
// ignored), in key order.
func (l Layout) Installed() ([]Installation, error) {
	l, err := l.absolute()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(l.InstallDir)
	if errors.Is(err, fs.ErrNotExist) {
		// Windows says "path not found" (ErrNotExist) for a regular file
		// read as a folder, where Linux says ENOTDIR: a file in the install
		// dir's place is an error, not an empty store.
		if fi, serr := os.Stat(l.InstallDir); serr == nil && !fi.IsDir() {
			return nil, fmt.Errorf("listing installs in %s: not a directory", l.InstallDir)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing installs in %s: %w", l.InstallDir, err)
	}
	var out []Installation
	for _, de := range entries {
		// Minor links are symlinks and staging folders are hidden; neither
		// is an install of its own.
		if !de.IsDir() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		inst, err := readInstallation(filepath.Join(l.InstallDir, de.Name()), de.Name())
		if err != nil {
			continue // foreign or damaged: not ours to list
		}
		out = append(out, inst)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entry.Key < out[j].Entry.Key })
	return out, nil
}

// Find returns the complete install of key, if there is one.
func (l Layout) Find(key string) (Installation, bool, error) {
	if err := checkKey(key); err != nil {
		return Installation{}, false, err
	}
	l, err := l.absolute()
	if err != nil {
		return Installation{}, false, err
	}
	dir := l.Path(key)
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Installation{}, false, nil
	}
	if err != nil {
		return Installation{}, false, fmt.Errorf("looking for %s: %w", key, err)
	}
	if !fi.IsDir() {
		return Installation{}, false, nil
	}
	inst, err := readInstallation(dir, key)
	if err != nil {
		return Installation{}, false, nil
	}
	return inst, true, nil
}
