package archive

import (
	"errors"
	"testing"
)

// TestFormatOf also covers what `pyget install` relies on to tell a local
// archive from a version request: every suffix known here is an archive,
// and no request is.
func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		want Format
	}{
		{"cpython-3.13.3%2B20250409-x86_64-unknown-linux-gnu-install_only.tar.gz", TarGz},
		{"https://github.com/astral-sh/python-build-standalone/releases/download/20250409/cpython-3.13.3%2B20250409-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz", TarGz},
		{"cpython-3.13.3+20250409-aarch64-apple-darwin-pgo+lto-full.tar.zst", TarZst},
		{"https://example.com/x.tar.zst?raw=1&x=.zip", TarZst},
		{"x.TGZ", TarGz},
		{"./cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only.tzst", TarZst},
		{"x.tar.zstd", TarZst},
		{"x.TZST", TarZst},
		{"pypy3.11-v7.3.20-win64.zip#frag", Zip},
		{"/tmp/graalpy-25.0.1-linux-amd64.tar.gz", TarGz},
		{"x%2Etar%2Egz", TarGz},
		{"python.tar", FormatUnknown},
		{"python.tar.xz", FormatUnknown},
		{"3.13", FormatUnknown},
		{">=3.11,<3.13", FormatUnknown},
		{"cpython-3.12.4-linux-x86_64-gnu", FormatUnknown},
		{"zip", FormatUnknown},
		{"https://example.com/download?file=x.tar.gz", FormatUnknown},
		{"", FormatUnknown},
	}
	for _, tt := range tests {
		got, err := FormatOf(tt.name)
		if got != tt.want || (err != nil) != (tt.want == FormatUnknown) {
			t.Errorf("FormatOf(%q) = %v, %v; want %v", tt.name, got, err, tt.want)
		}
		if err != nil && !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("FormatOf(%q) error %v does not match ErrUnknownFormat", tt.name, err)
		}
	}
}

// TestSniff: the signatures that tell an archive from an error page.
func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{"\x1f\x8b\x08\x00", TarGz},
		{"\x1f\x8b", TarGz},
		{"\x28\xb5\x2f\xfd", TarZst},
		{"PK\x03\x04", Zip},
		{"PK\x05\x06", FormatUnknown}, // an empty zip: no build in it
		{"\x28\xb5\x2f", FormatUnknown},
		{"<htm", FormatUnknown},
		{"<!DOCTYPE html>", FormatUnknown},
		{"\x1f", FormatUnknown},
		{"", FormatUnknown},
	}
	for _, tt := range tests {
		got, ok := Sniff([]byte(tt.in))
		if got != tt.want || ok != (tt.want != FormatUnknown) {
			t.Errorf("Sniff(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}
