//go:build windows

package store

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// register writes inst's PEP 514 entry, replacing whatever its tag held
// (a reinstall elsewhere re-points it). It returns the key written.
func (l Layout) register(inst Installation) (string, error) {
	r, ok := registryEntry(inst)
	if !ok || l.NoRegistry {
		return "", nil
	}
	company := l.company()
	path := RegistryKey(company, r.Tag)
	fail := func(err error) (string, error) {
		return "", fmt.Errorf(`registering %s as HKEY_CURRENT_USER\%s: %w`, inst.Entry.Key, path, err)
	}
	ck, _, err := registry.CreateKey(registry.CURRENT_USER, `Software\Python\`+company, registry.SET_VALUE)
	if err != nil {
		return fail(err)
	}
	err = ck.SetStringValue("DisplayName", company)
	ck.Close()
	if err != nil {
		return fail(err)
	}
	tk, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.SET_VALUE)
	if err != nil {
		return fail(err)
	}
	defer tk.Close()
	for _, v := range [][2]string{
		{"DisplayName", r.DisplayName},
		{"Version", r.Version},
		{"SysVersion", r.SysVersion},
		{"SysArchitecture", r.SysArchitecture},
	} {
		if err := tk.SetStringValue(v[0], v[1]); err != nil {
			return fail(err)
		}
	}
	ik, _, err := registry.CreateKey(tk, "InstallPath", registry.SET_VALUE)
	if err != nil {
		return fail(err)
	}
	defer ik.Close()
	values := [][2]string{{"", r.InstallPath}, {"ExecutablePath", r.ExecutablePath}}
	if r.WindowedExecutablePath != "" {
		values = append(values, [2]string{"WindowedExecutablePath", r.WindowedExecutablePath})
	} else if err := ik.DeleteValue("WindowedExecutablePath"); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fail(err)
	}
	for _, v := range values {
		if err := ik.SetStringValue(v[0], v[1]); err != nil {
			return fail(err)
		}
	}
	return `HKEY_CURRENT_USER\` + path, nil
}

// unregister removes inst's PEP 514 entry if it points at inst's folder
// (another install dir's build of the same version keeps its own), and
// the company key once it has no tags left.
func (l Layout) unregister(inst Installation) error {
	r, ok := registryEntry(inst)
	if !ok {
		return nil
	}
	company := l.company()
	path := RegistryKey(company, r.Tag)
	ik, err := registry.OpenKey(registry.CURRENT_USER, path+`\InstallPath`, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf(`reading HKEY_CURRENT_USER\%s: %w`, path, err)
	}
	dir, _, err := ik.GetStringValue("")
	ik.Close()
	if err != nil || !samePath(dir, inst.Dir) {
		return nil
	}
	for _, k := range []string{path + `\InstallPath`, path} {
		if err := registry.DeleteKey(registry.CURRENT_USER, k); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf(`removing HKEY_CURRENT_USER\%s: %w`, k, err)
		}
	}
	// The company key goes with its last tag.
	ck, err := registry.OpenKey(registry.CURRENT_USER, `Software\Python\`+company, registry.QUERY_VALUE|registry.ENUMERATE_SUB_KEYS)
	if err != nil {
		return nil
	}
	st, err := ck.Stat()
	ck.Close()
	if err == nil && st.SubKeyCount == 0 {
		registry.DeleteKey(registry.CURRENT_USER, `Software\Python\`+company)
	}
	return nil
}
