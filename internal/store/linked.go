package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Linked maps the keys of the builds that the minor-version links and the
// commands in BinDir lead to now to the path of one link that does (a
// command's when there is one, as BinLinks gives it). A link leading
// nowhere leads to no build.
func (l Layout) Linked() (map[string]string, error) {
	l, err := l.absolute()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	entries, err := os.ReadDir(l.InstallDir)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing links in %s: %w", l.InstallDir, err)
	}
	// Targets come back with every link resolved, so InstallDir must be too.
	installDir := l.InstallDir
	if real, err := filepath.EvalSymlinks(installDir); err == nil {
		installDir = real
	}
	for _, de := range entries {
		if de.Type()&fs.ModeSymlink == 0 || strings.HasPrefix(de.Name(), ".") {
			continue // builds are folders; temp links are hidden
		}
		p := filepath.Join(l.InstallDir, de.Name())
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		if key := firstComponent(target, installDir); key != "" {
			out[key] = p
		}
	}
	for key, cmd := range l.BinLinks() {
		out[key] = cmd
	}
	return out, nil
}
