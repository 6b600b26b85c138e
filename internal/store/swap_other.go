//go:build !linux && !darwin

package store

func exchange(a, b string) error { return errExchangeUnsupported }
