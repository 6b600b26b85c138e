package store

import (
	"os"
	"path/filepath"
)

// BinLinks maps build keys to the executable in BinDir that runs them,
// following each link through the minor-version link to the build it
// reaches now. When several do (python, python3, python3.14), the shortest
// name stands for them. A missing or unreadable BinDir has none.
func (l Layout) BinLinks() map[string]string {
	out := map[string]string{}
	des, err := os.ReadDir(l.BinDir)
	if err != nil {
		return out
	}
	// Targets come back with every link resolved, so InstallDir must be
	// too (on macOS the temp dir is itself behind /var -> /private/var).
	installDir := l.InstallDir
	if real, err := filepath.EvalSymlinks(installDir); err == nil {
		installDir = real
	}
	if installDir, err = filepath.Abs(installDir); err != nil {
		return out
	}
	for _, de := range des {
		p := filepath.Join(l.BinDir, de.Name())
		// A .cmd shim (Windows without symlinks) names its target.
		target := readShim(p)
		if target != "" {
			if _, err := os.Stat(target); err != nil {
				continue
			}
		} else if target, err = filepath.EvalSymlinks(p); err != nil {
			continue
		}
		if target, err = filepath.Abs(target); err != nil {
			continue
		}
		key := firstComponent(target, installDir)
		if key == "" {
			continue
		}
		if cur, ok := out[key]; !ok || len(p) < len(cur) {
			out[key] = p
		}
	}
	return out
}
