//go:build windows

package shellpath

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// updateRegistry puts dir first in the user's Path (HKCU\Environment), which
// new processes start with, unless it is there already; then tells running
// programs (Explorer, so the terminals it starts) that the environment
// changed.
func updateRegistry(dir string) ([]Change, error) {
	file := File{Windows, RegistryPath, "new processes"}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, "Environment", registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return nil, fmt.Errorf("opening HKEY_CURRENT_USER\\Environment: %w", err)
	}
	defer k.Close()
	old, _, err := k.GetStringValue("Path")
	created := errors.Is(err, registry.ErrNotExist)
	switch {
	case created:
		old = ""
	case errors.Is(err, registry.ErrUnexpectedType):
		return nil, fmt.Errorf("%s is not a string: not changing it", RegistryPath)
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", RegistryPath, err)
	}
	expand := func(s string) string {
		if x, err := registry.ExpandString(s); err == nil {
			return x
		}
		return s
	}
	next, changed := prependPathList(old, dir, expand)
	if !changed {
		return []Change{{file, Unchanged}}, nil
	}
	// REG_EXPAND_SZ, as Windows writes it, so %USERPROFILE% entries keep
	// working.
	if err := k.SetExpandStringValue("Path", next); err != nil {
		return nil, fmt.Errorf("writing %s: %w", RegistryPath, err)
	}
	broadcastEnvironmentChange()
	if created {
		return []Change{{file, Created}}, nil
	}
	return []Change{{file, Updated}}, nil
}

var sendMessageTimeout = windows.NewLazySystemDLL("user32.dll").NewProc("SendMessageTimeoutW")

// broadcastEnvironmentChange sends WM_SETTINGCHANGE "Environment" to every
// top-level window, as the System Properties dialog does, waiting at most
// a second for each. Best effort: the registry holds the change anyway.
func broadcastEnvironmentChange() {
	const (
		hwndBroadcast   = 0xffff
		wmSettingChange = 0x001a
		smtoAbortIfHung = 0x0002
	)
	env, err := windows.UTF16PtrFromString("Environment")
	if err != nil || sendMessageTimeout.Find() != nil {
		return
	}
	var result uintptr
	sendMessageTimeout.Call(hwndBroadcast, wmSettingChange, 0, uintptr(unsafe.Pointer(env)),
		smtoAbortIfHung, 1000, uintptr(unsafe.Pointer(&result)))
}
