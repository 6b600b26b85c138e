package config

import (
	"strings"
	"testing"
)

func TestPythonDownloads(t *testing.T) {
	for value, want := range map[string]PythonDownloads{
		"": DownloadsAutomatic, "automatic": DownloadsAutomatic, "Manual": DownloadsManual, " never ": DownloadsNever,
	} {
		s, err := Load(func(n string) string {
			if n == "PYGET_PYTHON_DOWNLOADS" {
				return value
			}
			return ""
		})
		if err != nil || s.PythonDownloads != want {
			t.Errorf("%q: %q, %v; want %q", value, s.PythonDownloads, err, want)
		}
	}
	_, err := Load(func(n string) string {
		if n == "PYGET_PYTHON_DOWNLOADS" {
			return "sometimes"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), `PYGET_PYTHON_DOWNLOADS "sometimes": want automatic, manual or never`) {
		t.Errorf("bad value: %v", err)
	}
}
