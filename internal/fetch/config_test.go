package fetch

import (
	"strings"
	"testing"
)

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	d := DefaultConfig(dir)
	want := Config{CacheDir: dir, Retries: DefaultRetries, IdleTimeout: DefaultIdleTimeout,
		BaseDelay: DefaultBaseDelay, MaxDelay: DefaultMaxDelay, Deadline: DefaultDeadline}
	if d.CacheDir != want.CacheDir || d.Retries != want.Retries || d.IdleTimeout != want.IdleTimeout ||
		d.BaseDelay != want.BaseDelay || d.MaxDelay != want.MaxDelay || d.Deadline != want.Deadline || d.Mirrors != nil {
		t.Fatalf("DefaultConfig = %+v", d)
	}
	f, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	if f.cfg.Retries != DefaultRetries || len(f.cfg.Mirrors) != len(defaultMirrors) {
		t.Fatalf("New(DefaultConfig) = %+v", f.cfg)
	}
	// Retries 0 is no retry, not a default; zero durations are defaults.
	f, err = New(Config{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c := f.cfg; c.Retries != 0 || c.IdleTimeout != DefaultIdleTimeout || c.BaseDelay != DefaultBaseDelay ||
		c.MaxDelay != DefaultMaxDelay || c.Deadline != DefaultDeadline {
		t.Fatalf("New(Config{CacheDir}) = %+v", c)
	}
	if _, err := New(Config{CacheDir: dir, Retries: -1}); err == nil || !strings.Contains(err.Error(), "Retries") {
		t.Fatalf("negative Retries: %v", err)
	}
}
