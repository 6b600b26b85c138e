package config

import (
	"path/filepath"
	"testing"
)

func TestNetrcFile(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": native("/home/u")}, filepath.Join(native("/home/u"), ".netrc")},
		{map[string]string{"HOME": native("/home/u"), "NETRC": "/etc/ci.netrc"}, "/etc/ci.netrc"},
		{map[string]string{"NETRC": "/etc/ci.netrc"}, "/etc/ci.netrc"},
		{map[string]string{}, ""},
	} {
		s, err := load(func(k string) string { return tt.env[k] }, "linux")
		if err != nil {
			t.Fatal(err)
		}
		if got := s.NetrcFile(); got != filepath.FromSlash(tt.want) && got != tt.want {
			t.Errorf("%v: NetrcFile() = %q, want %q", tt.env, got, tt.want)
		}
	}
}
