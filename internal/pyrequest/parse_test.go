package pyrequest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// allDefault is every default CPython build for hostGnu in the fixture.
var allDefault = h("3.14.0rc1", "3.14.0b2", "3.14.0a7", "3.13.3", "3.13.2", "3.13.0",
	"3.13.0rc1", "3.13.0b2", "3.13.0a1", "3.12.4", "3.12.3", "3.12.1", "3.12.0", "3.11.9", "3.10.14")

var (
	all312 = h("3.12.4", "3.12.3", "3.12.1", "3.12.0")
	all313 = h("3.13.3", "3.13.2", "3.13.0", "3.13.0rc1", "3.13.0b2", "3.13.0a1")
	all314 = h("3.14.0rc1", "3.14.0b2", "3.14.0a7")
	pypys  = []string{"pypy-3.11.11-linux-x86_64-gnu", "pypy-3.10.16-linux-x86_64-gnu", "pypy-3.10.14-linux-x86_64-gnu"}
)

// TestForms parses every accepted form and checks which fixture entries it
// matches on a plain linux-x86_64-gnu host.
func TestForms(t *testing.T) {
	entries := fixture(t)
	tests := []struct {
		reqs []string
		want []string
	}{
		// Versions.
		{[]string{"3", "  3  "}, allDefault},
		{[]string{"3.12", "312", " 3.12\n"}, all312},
		{[]string{"3.12.3"}, h("3.12.3")},
		{[]string{"3.13.0"}, h("3.13.0")},
		{[]string{"3.14"}, all314},
		{[]string{"3.13.0rc1", "3.13rc1", "3.13RC1", "313rc1"}, h("3.13.0rc1")},
		{[]string{"3.13.0a1"}, h("3.13.0a1")},
		{[]string{"3.13.0b2"}, h("3.13.0b2")},
		// Specifier sets.
		{[]string{">=3.11,<3.13", ">= 3.11 , < 3.13"}, join(all312, h("3.11.9"))},
		{[]string{"==3.12.*"}, all312},
		{[]string{"!=3.12.*"}, without(allDefault, all312...)},
		{[]string{"~=3.12.1"}, h("3.12.4", "3.12.3", "3.12.1")},
		{[]string{"~=3.12"}, join(all312, all313, all314)},
		{[]string{"!=3.12.1"}, without(allDefault, h("3.12.1")...)},
		{[]string{">3.12"}, join(h("3.12.4", "3.12.3", "3.12.1"), all313, all314)},
		{[]string{"<=3.12"}, h("3.12.0", "3.11.9", "3.10.14")},
		{[]string{"<3.13"}, join(all312, h("3.11.9", "3.10.14"))},
		{[]string{"<3.13.0rc1"}, join(h("3.13.0b2", "3.13.0a1"), all312, h("3.11.9", "3.10.14"))},
		{[]string{"==3.12.4"}, h("3.12.4")},
		{[]string{"==3.13", "==313", "== 3.13"}, all313}, // uv: a lone == is the plain version
		{[]string{"==3.13.0", "===3.13.0"}, h("3.13.0")},
		{[]string{"v3.12", "3.012", "0!3.12", "python 3.12"}, all312},
		{[]string{"3.13c1", "3.13.0-rc.1", "3.13.0_rc1", "3.13.0preview1"}, h("3.13.0rc1")},
		{[]string{"3.13.0beta2", "3.13.0-b2"}, h("3.13.0b2")},
		{[]string{"3.13a", "3.13rc", "3.13.0a0"}, nil}, // a0, rc0: no such builds
		{[]string{">=3.13.0rc1"}, join(h("3.13.3", "3.13.2", "3.13.0", "3.13.0rc1"), all314)},
		// Implementations.
		{[]string{"cpython", "cp", "CPython", "any", "default", "ANY", "any-any-any-any-any"}, allDefault},
		// The python prefix.
		{[]string{"python3.12", "python312", "python@3.12", "PYTHON3.12", "Python@3.12"}, all312},
		{[]string{"python3", "python@3"}, allDefault},
		{[]string{"python>=3.11,<3.13", "python@>=3.11,<3.13"}, join(all312, h("3.11.9"))},
		{[]string{"python3.13t"}, []string{"cpython-3.13.3+freethreaded-linux-x86_64-gnu"}},
		{[]string{"pypy", "pp", "PyPy"}, pypys},
		{[]string{"graalpy", "gp"}, []string{"graalpy-3.11.0-linux-x86_64-gnu", "graalpy-3.10.0-linux-x86_64-gnu"}},
		{[]string{"cpython@3.12", "cpython3.12", "cp312", "cp3.12", "CPython@3.12", "cpython312"}, all312},
		{[]string{"cpython@>=3.13.1", "cp>=3.13.1"}, join(h("3.13.3", "3.13.2"), all314)},
		{[]string{">=3.14"}, nil}, // 3.14.0a7 < 3.14.0: only pre-releases exist
		{[]string{"pypy@3.10", "pp310", "pypy3.10"}, pypys[1:]},
		{[]string{"pypy3.11", "pp@3.11"}, pypys[:1]},
		{[]string{"gp310", "graalpy@3.10"}, []string{"graalpy-3.10.0-linux-x86_64-gnu"}},
		// Variants.
		{[]string{"3.13t", "3.13+freethreaded", "313t", "cp313t", "3.13.3t"}, []string{"cpython-3.13.3+freethreaded-linux-x86_64-gnu"}},
		{[]string{"3.13d", "3.13+debug", "3.13+gil+debug"}, []string{"cpython-3.13.3+debug-linux-x86_64-gnu"}},
		{[]string{"3.13td", "3.13+td", "3.13+freethreaded+debug"}, []string{"cpython-3.13.3+freethreaded+debug-linux-x86_64-gnu"}},
		{[]string{"3.13+gil", "3.13+GIL", "3.13gil", "3.13+"}, all313},
		{[]string{"3.13+t", "3.13freethreaded"}, []string{"cpython-3.13.3+freethreaded-linux-x86_64-gnu"}},
		{[]string{">=3.13t", ">=3.13+freethreaded"}, []string{"cpython-3.14.0rc1+freethreaded-linux-x86_64-gnu", "cpython-3.13.3+freethreaded-linux-x86_64-gnu"}},
		{[]string{"3.14t"}, []string{"cpython-3.14.0rc1+freethreaded-linux-x86_64-gnu"}},
		// Download keys, full and partial.
		{[]string{"cpython-3.12.4-linux-x86_64-gnu", "CPYTHON-3.12.4-LINUX-X86_64-GNU", "cpython-3.12.4-linux-amd64-gnu"}, h("3.12.4")},
		{[]string{"cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", "cpython-3.13.3t-linux-x86_64_v3-musl"}, []string{"cpython-3.13.3+freethreaded-linux-x86_64_v3-musl"}},
		{[]string{"cpython-3.13.2"}, h("3.13.2")},
		{[]string{"pypy-linux"}, pypys},
		{[]string{"cpython-3.13-linux-aarch64", "3.13-linux-arm64"}, []string{"cpython-3.13.3-linux-aarch64-gnu", "cpython-3.13.2-linux-aarch64-gnu"}},
		// "any" in a part means the part is not given: it comes from the host.
		{[]string{"cpython-any-linux-any-gnu", "any-any-any-any-any"}, allDefault},
		{[]string{"3.13-musl", "cpython-3.13-linux-musl"}, []string{"cpython-3.13.3-linux-x86_64-musl", "cpython-3.13.2-linux-x86_64-musl"}},
		{[]string{"3.11-linux-x86_64-musl"}, []string{"cpython-3.11.9-linux-x86_64-musl"}},
		{[]string{"cpython-3.13-darwin-aarch64", "cpython-3.13-macos-aarch64"}, []string{"cpython-3.13.3-darwin-aarch64-none"}},
		// Another OS named: the host's libc is not imposed on it.
		{[]string{"cpython-3.12-darwin-aarch64-any", "cpython-3.12-macos-arm64", "3.12-darwin-aarch64"}, []string{"cpython-3.12.4-darwin-aarch64-none"}},
		{[]string{"cpython-3.12-darwin-any"}, nil}, // the host's arch: no darwin x86_64 build
		{[]string{"any-3.11", "any-3.11-any", "any-3.11-any-x86_64-any"}, h("3.11.9")},
		{[]string{"3.13-freebsd", "3.13-linux-mips", "3.13-linux-musleabihf", "3.13-none"}, nil}, // names uv knows, no builds
		{[]string{"cpython-3.13-linux-x86_64_v3"}, []string{"cpython-3.13.3-linux-x86_64_v3-gnu"}},
		{[]string{"cpython-3.13.3-linux-x86_64"}, h("3.13.3")},
		{[]string{"cpython-3.13-any-any-any"}, all313},
	}
	for _, tt := range tests {
		want := slices.Sorted(slices.Values(tt.want))
		for _, s := range tt.reqs {
			t.Run(s, func(t *testing.T) {
				r, err := Parse(s)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				var got []string
				for _, e := range entries {
					if r.Matches(e, hostGnu) {
						got = append(got, e.Key)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("matches\n got %q\nwant %q", got, want)
				}
			})
		}
	}
}

func TestAccessors(t *testing.T) {
	tests := []struct {
		req, str, impl, variant, key string
	}{
		{"any", "any", "", "", ""},
		{"default", "default", "", "", ""},
		{" cpython ", "cpython", "cpython", "", ""},
		{"CP", "CP", "cpython", "", ""},
		{"pypy", "pypy", "pypy", "", ""},
		{"gp", "gp", "graalpy", "", ""},
		{"3.12", "3.12", "", "", ""},
		{"cp312", "cp312", "cpython", "", ""},
		{"pp310", "pp310", "pypy", "", ""},
		{"3.13t", "3.13t", "", "freethreaded", ""},
		{"3.13d", "3.13d", "", "debug", ""},
		{"3.13td", "3.13td", "", "freethreaded+debug", ""},
		{"3.13+gil", "3.13+gil", "", "", ""},
		{">=3.13t", ">=3.13t", "", "freethreaded", ""},
		{"cpython-3.12.4-linux-x86_64-gnu", "cpython-3.12.4-linux-x86_64-gnu", "cpython", "", "cpython-3.12.4-linux-x86_64-gnu"},
		{"CPython-3.13.3T-Linux-X86_64_V3-Musl", "CPython-3.13.3T-Linux-X86_64_V3-Musl", "cpython", "freethreaded", "cpython-3.13.3+freethreaded-linux-x86_64_v3-musl"},
		{"cpython-3.13.0rc1+debug-linux-aarch64-gnu", "cpython-3.13.0rc1+debug-linux-aarch64-gnu", "cpython", "debug", "cpython-3.13.0rc1+debug-linux-aarch64-gnu"},
		{"cpython-3.13rc1-linux-aarch64-gnu", "cpython-3.13rc1-linux-aarch64-gnu", "cpython", "", "cpython-3.13.0rc1-linux-aarch64-gnu"},
		{"cpython-3.13.0a1-linux-x86_64-gnu", "cpython-3.13.0a1-linux-x86_64-gnu", "cpython", "", "cpython-3.13.0a1-linux-x86_64-gnu"},
		{"cpython-3.13.0B2-linux-x86_64-gnu", "cpython-3.13.0B2-linux-x86_64-gnu", "cpython", "", "cpython-3.13.0b2-linux-x86_64-gnu"},
		{"pypy-3.10.16-darwin-arm64-none", "pypy-3.10.16-darwin-arm64-none", "pypy", "", "pypy-3.10.16-darwin-aarch64-none"},
		// Every alias of package platform, as --platform accepts them.
		{"cpython-3.13.3-linux-ppc64le-gnu", "cpython-3.13.3-linux-ppc64le-gnu", "cpython", "", "cpython-3.13.3-linux-powerpc64le-gnu"},
		{"cpython-3.13.3-windows-386-none", "cpython-3.13.3-windows-386-none", "cpython", "", "cpython-3.13.3-windows-i686-none"},
		{"cpython-3.13.3-linux-arm-gnueabihf", "cpython-3.13.3-linux-arm-gnueabihf", "cpython", "", "cpython-3.13.3-linux-armv7-gnueabihf"},
		{"cpython-3.12.1-emscripten-wasm32-musl", "cpython-3.12.1-emscripten-wasm32-musl", "cpython", "", "cpython-3.12.1-emscripten-wasm32-musl"},
		{"cpython-3.12+gil-linux-x86_64-gnu", "cpython-3.12+gil-linux-x86_64-gnu", "cpython", "", ""}, // no patch: not exact
		{"cpython-3.12.4-linux-x86_64", "cpython-3.12.4-linux-x86_64", "cpython", "", ""},             // no libc
		{"cpython-3.12.4-linux-any-gnu", "cpython-3.12.4-linux-any-gnu", "cpython", "", ""},
		{"any-3.12.4-linux-x86_64-gnu", "any-3.12.4-linux-x86_64-gnu", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.req, func(t *testing.T) {
			r, err := Parse(tt.req)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := r.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := r.Implementation(); got != tt.impl {
				t.Errorf("Implementation() = %q, want %q", got, tt.impl)
			}
			if got := r.Variant(); got != tt.variant {
				t.Errorf("Variant() = %q, want %q", got, tt.variant)
			}
			key, ok := r.Key()
			if key != tt.key || ok != (tt.key != "") {
				t.Errorf("Key() = %q, %v, want %q", key, ok, tt.key)
			}
		})
	}
}

func TestZeroRequestIsDefault(t *testing.T) {
	var zero Request
	want, _ := Parse("default")
	for _, e := range fixture(t) {
		if zero.Matches(e, hostGnu) != want.Matches(e, hostGnu) {
			t.Errorf("zero Request and %q disagree on %s", want, e.Key)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		req  string
		hint string // part of the reason, saying what is wrong or accepted
	}{
		{"", "empty request"},
		{"   ", "empty request"},
		{"3.12-dev", `"dev" is not an implementation, version, os, arch or libc`},
		{"3.13tt", `unknown variant suffix "tt"`},
		{"3.13dt", `unknown variant suffix "dt"`},
		{"3.13t+debug", `unknown variant suffix "t+debug"`},
		{"3.12+local", "local version labels are not allowed"},
		{"3.13+debug+debug", `unknown variant suffix "+debug+debug"`},
		{"3.13+freethreaded+gil", `unknown variant suffix "+freethreaded+gil"`},
		{"3.13+debug+freethreaded", `unknown variant suffix "+debug+freethreaded"`},
		{"3.13++t", `unknown variant suffix "++t"`},
		{"foobar-3.14-windows", `"foobar" is not an implementation`},
		{"foobar", "unknown implementation or version"},
		{"cpython-3.12-linux-x86_64-gnu-extra", "too many parts (6)"},
		{"cpython-linux-gnu-any", `unexpected "any" after the libc part`},
		{"linux-cpython", `implementation "cpython" is out of order`},
		{"cpython--linux", "empty part"},
		{"cpython-3.x-linux", `invalid version "3.x"`},
		{"cpython-3.12-linux-x86_64_v5", `"x86_64_v5" is not`},
		{">=", `missing version after ">="`},
		{">= ,<3", `missing version after ">="`},
		{"3.x", `invalid version "3.x"`},
		{"3.", `invalid version "3."`},
		{"cpython@", `missing version after "cpython@"`},
		{"3.12,", `specifier "3.12" has no operator`},
		{">=3.12,", "empty specifier"},
		{",3.12", "empty specifier"},
		{">=3.11,3.13", `specifier "3.13" has no operator`},
		{"~=3", "needs at least major.minor"},
		{">=3.12.*", "wildcard (.*) is only allowed after == or !="},
		{"==3.12.*rc1", "wildcard (.*) must end the version"},
		{">=3.13t,<3.15", "variant suffix goes at the very end"},
		{"3.12.3.4", "more than major.minor.patch"},
		{"3rc1", "at least major.minor"},
		{"99999999999", "out of range"},
		{"31000", "out of range"}, // 3.1000: uv's minor versions are 8-bit
		{"3.256", "out of range"},
		{"3.12.post1", "post-releases"},
		{"3.12.dev0", "development releases"},
		{"3.12.0.0", "more than major.minor.patch"},
		{">=3.12 <3.13", `unexpected "<3.13"`},
		{"<>3.12", `unknown operator "<>"`},
		{"python", "unknown implementation or version"},
		{"pythonw3.12", "unknown implementation or version"},
		{"python@latest", "not supported"},
		{"python@3.x", `after "python@": invalid version "3.x"`},
		{"@3.12", `nothing before "@"`},
		{"linux-gnu-foo", `unexpected "foo" after the libc part`},
		{"cpython-3.12-linux-aarch64_v3", `"aarch64_v3" is not`},
		{"cpython-3.12-unknown", `"unknown" is not`},
		{"cpythonx", "unknown implementation or version"},
	}
	for _, tt := range tests {
		t.Run(tt.req, func(t *testing.T) {
			_, err := Parse(tt.req)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want *ParseError", tt.req, err)
			}
			msg := err.Error()
			quoted := `invalid python request "` + strings.TrimSpace(tt.req) + `": `
			if !strings.HasPrefix(msg, quoted) {
				t.Errorf("error %q does not quote the request as %q", msg, quoted)
			}
			if !strings.Contains(pe.Reason, tt.hint) {
				t.Errorf("reason %q does not contain %q", pe.Reason, tt.hint)
			}
			if !strings.Contains(pe.Reason, "accepted") && !strings.Contains(pe.Reason, "a download key is") {
				t.Errorf("reason %q does not say what is accepted", pe.Reason)
			}
		})
	}
}

func TestTarget(t *testing.T) {
	tests := []struct{ req, want string }{
		{"3.12", "linux-x86_64-gnu"},
		{"any-3.12-any-any-any", "linux-x86_64-gnu"},
		{"3.12-aarch64", "linux-aarch64-gnu"},
		{"3.12-musl", "linux-x86_64-musl"},
		{"cpython-3.12-linux-x86_64_v3", "linux-x86_64_v3-gnu"},
		{"cpython-3.12-macos", "darwin-x86_64"},
		{"cpython-3.12-macos-aarch64-none", "darwin-aarch64-none"},
		{"pyodide@3.15", "emscripten-wasm32-musl"},
	}
	for _, tt := range tests {
		r, err := Parse(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Target(*hostGnu); got != tt.want {
			t.Errorf("Parse(%q).Target(%s) = %q, want %q", tt.req, hostGnu, got, tt.want)
		}
	}
}
