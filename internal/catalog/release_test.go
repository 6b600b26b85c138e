package catalog

import (
	"strings"
	"testing"
)

func TestOnlyCPythonRelease(t *testing.T) {
	entries := []Entry{
		{Key: "cpython-3.14.5", Name: "cpython", Build: "20260510"},
		{Key: "cpython-3.14.6", Name: "cpython", Build: "20260610"},
		{Key: "cpython-3.13.5", Name: "cpython", Build: "20260610"},
		{Key: "cpython-3.15.0rc1", Name: "cpython", Build: "20260814"},
		{Key: "pypy-3.11.13", Name: "pypy", Build: "7.3.20"},
		{Key: "graalpy-3.12.0", Name: "graalpy", Build: "25.0.1"},
	}
	keys := func(es []Entry) string {
		var k []string
		for _, e := range es {
			k = append(k, e.Key)
		}
		return strings.Join(k, " ")
	}
	for _, c := range []struct{ tag, want string }{
		{"", "cpython-3.14.5 cpython-3.14.6 cpython-3.13.5 cpython-3.15.0rc1 pypy-3.11.13 graalpy-3.12.0"},
		{"20260610", "cpython-3.14.6 cpython-3.13.5 pypy-3.11.13 graalpy-3.12.0"},
		{"20260510", "cpython-3.14.5 pypy-3.11.13 graalpy-3.12.0"},
		{"20990101", "pypy-3.11.13 graalpy-3.12.0"},
	} {
		if got := keys(OnlyCPythonRelease(entries, c.tag)); got != c.want {
			t.Errorf("OnlyCPythonRelease(%q) = %s, want %s", c.tag, got, c.want)
		}
	}
	if got := strings.Join(Releases(entries), " "); got != "20260814 20260610 20260510" {
		t.Errorf("Releases = %s", got)
	}
}
