//go:build !windows

package store

// register: the PEP 514 registry exists on Windows only.
func (l Layout) register(Installation) (string, error) { return "", nil }

// unregister: the PEP 514 registry exists on Windows only.
func (l Layout) unregister(Installation) error { return nil }
