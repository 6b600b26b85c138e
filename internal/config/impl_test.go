package config

import (
	"strings"
	"testing"
)

func TestImplMirrorsAndBuilds(t *testing.T) {
	env := map[string]string{
		"PYGET_PYPY_MIRROR": " https://m/pypy  file:///srv/pypy ", "PYGET_GRAALPY_MIRROR": "https://m/graalpy",
		"PYGET_PYPY_BUILD": "7.3.20", "PYGET_GRAALPY_BUILD": "25.2.4",
	}
	s, err := Load(func(n string) string { return env[n] })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.PyPyMirrors, ",") != "https://m/pypy,file:///srv/pypy" || strings.Join(s.GraalPyMirrors, ",") != "https://m/graalpy" ||
		s.PyPyBuild != "7.3.20" || s.GraalPyBuild != "25.2.4" {
		t.Fatalf("got %q %q %q %q", s.PyPyMirrors, s.GraalPyMirrors, s.PyPyBuild, s.GraalPyBuild)
	}
	for _, bad := range []string{"7.3.x", "v7.3.20", "7..3", "20260610-1"} {
		_, err := Load(func(n string) string {
			if n == "PYGET_PYPY_BUILD" {
				return bad
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "PYGET_PYPY_BUILD") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
