package pyrequest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// The outcomes of a row besides a key.
const (
	noMatch = "no match"
	invalid = "invalid"
)

// Why pyget deliberately differs from uv in a row. Each value must appear
// in the README's version-request section, which explains the difference.
type difference string

const (
	notEqualPre      difference = "`!=3.14.0rc1`"        // != does not opt in to pre-releases
	loneEqualVariant difference = "`==3.13t`"            // uv drops the variant of a lone ==
	gil              difference = "`3.13+gil`"           // uv compares +gil with "default" and finds nothing
	trimmed          difference = "whitespace"           // uv keeps trailing whitespace after a variant
	pyodideKey       difference = "`pyodide-3.13`"       // uv's key parser keeps pyodide as an implementation no build has
	foreignOS        difference = "`cpython-3.12-macos`" // uv imposes this machine's libc on another OS
	riscv64          difference = "`riscv64gc`"          // uv's riscv64 is not the catalog's riscv64
	afterLibc        difference = "`linux-gnu-foo`"      // uv ignores a part after the libc
	caseInsensitive  difference = "`cpython-3.12-Linux`" // uv's os, arch and libc names are case-sensitive
	extraAlias       difference = "`amd64`"              // pyget's Go and triple names
)

// cp is the key of a default CPython build for linux-x86_64-gnu.
func cp(version string) string { return "cpython-" + version + "-linux-x86_64-gnu" }

// uvTable is what `uv python install REQUEST` does on linux-x86_64-gnu with
// the shared catalog (../shared/data/uv-download-metadata.json): the key it
// installs, noMatch or invalid. It was worked out from uv's source, not from
// pyget: PythonRequest::parse, VersionRequest::from_str and their tests
// (crates/uv-python/src/discovery.rs), PythonDownloadRequest::from_str,
// fill, satisfied_by_key and ManagedPythonDownloadList::find
// (downloads.rs), Arch, Os and Libc FromStr (crates/uv-platform, which
// reads names through target-lexicon), uv-pep440's version and specifier
// parsers, the python install and find integration tests, and
// docs/concepts/python-versions.md. pyget is set when pyget deliberately
// does something else, and why says what (see the README).
var uvTable = []struct {
	req, uv, pyget string
	why            difference
}{ // any and default; "any" in a key part means "not given" (class 1).
	{"any", cp("3.15.0rc1"), "", ""},
	{"ANY", cp("3.15.0rc1"), "", ""},
	{"default", cp("3.14.7"), "", ""},
	{"Default", cp("3.14.7"), "", ""},
	{"any-any-any-any-any", cp("3.14.7"), "", ""},
	{"any-any", cp("3.14.7"), "", ""},
	{"any-3.12", cp("3.12.14"), "", ""},
	{"any-3.12-any", cp("3.12.14"), "", ""},
	{"any-3.11-any-x86_64-any", cp("3.11.16"), "", ""},
	{"ANY-3.11-Any-x86_64-aNy", cp("3.11.16"), "", ""},
	{"any-any-any-any-any-any", invalid, "", ""},

	// Versions: wheel-tag form, u8 range (class 6), PEP 440 spellings uv accepts.
	{"3", cp("3.14.7"), "", ""},
	{"3.12", cp("3.12.14"), "", ""},
	{"3.12.3", cp("3.12.3"), "", ""},
	{"3.11.0", noMatch, "", ""},
	{"3.12.0", cp("3.12.0"), "", ""},
	{"312", cp("3.12.14"), "", ""},
	{"38", cp("3.8.20"), "", ""},
	{"3.8", cp("3.8.20"), "", ""},
	{"3.9", cp("3.9.25"), "", ""},
	{"3.10", cp("3.10.21"), "", ""},
	{"310", cp("3.10.21"), "", ""},
	{"3.13", cp("3.13.15"), "", ""},
	{"3.14", cp("3.14.7"), "", ""},
	{"3.15", cp("3.15.0rc1"), "", ""},
	{"3.15.0", noMatch, "", ""},
	{"3.16", noMatch, "", ""},
	{"4", noMatch, "", ""},
	{"2", noMatch, "", ""},
	{"2.7", noMatch, "", ""},
	{"0", noMatch, "", ""},
	{"30", noMatch, "", ""},
	{"3.0", noMatch, "", ""},
	{"3.255", noMatch, "", ""},
	{"3.256", invalid, "", ""},
	{"3.12.256", invalid, "", ""},
	{"31000", invalid, "", ""},
	{"3100", noMatch, "", ""},
	{"99999999999", invalid, "", ""},
	{"3.12.3.4", invalid, "", ""},
	{"3.12.0.0", invalid, "", ""},
	{"v3.12", cp("3.12.14"), "", ""},
	{"V3.12", cp("3.12.14"), "", ""},
	{"03", cp("3.14.7"), "", ""},
	{"3.012", cp("3.12.14"), "", ""},
	{"0312", cp("3.12.14"), "", ""},
	{"1!3.12", cp("3.12.14"), "", ""},
	{"0!3.12", cp("3.12.14"), "", ""},
	{"3.12.post1", invalid, "", ""},
	{"3.12-1", invalid, "", ""},
	{"3.12.dev0", invalid, "", ""},
	{"3.12-dev", invalid, "", ""},
	{"3.12+local", invalid, "", ""},
	{"3.12.4+local", invalid, "", ""},
	{"3.x", invalid, "", ""},
	{"3.", invalid, "", ""},
	{"3..12", invalid, "", ""},
	{"3.12.*", invalid, "", ""},

	// Pre-releases: PEP 440 spellings, exact pre-release requests.
	{"3.15.0rc1", cp("3.15.0rc1"), "", ""},
	{"3.15rc1", cp("3.15.0rc1"), "", ""},
	{"315rc1", cp("3.15.0rc1"), "", ""},
	{"3.15.0RC1", cp("3.15.0rc1"), "", ""},
	{"3.15.0-rc1", cp("3.15.0rc1"), "", ""},
	{"3.15.0.rc1", cp("3.15.0rc1"), "", ""},
	{"3.15.0_rc1", cp("3.15.0rc1"), "", ""},
	{"3.15.0c1", cp("3.15.0rc1"), "", ""},
	{"3.15.0pre1", cp("3.15.0rc1"), "", ""},
	{"3.15.0preview1", cp("3.15.0rc1"), "", ""},
	{"3.15.0rc.1", cp("3.15.0rc1"), "", ""},
	{"3.15.0b4", cp("3.15.0b4"), "", ""},
	{"3.15.0beta4", cp("3.15.0b4"), "", ""},
	{"3.15.0a1", cp("3.15.0a1"), "", ""},
	{"3.15.0alpha1", cp("3.15.0a1"), "", ""},
	{"3.15a8", cp("3.15.0a8"), "", ""},
	{"3.13rc1", noMatch, "", ""},
	{"3.13rc2", cp("3.13.0rc2"), "", ""},
	{"3.13.0rc3", cp("3.13.0rc3"), "", ""},
	{"3.14.5rc1", cp("3.14.5rc1"), "", ""},
	{"3.14.5rc2", noMatch, "", ""},
	{"3.13.1rc1", noMatch, "", ""},
	{"3rc1", invalid, "", ""},
	{"3.15rc", noMatch, "", ""},
	{"3.15b", noMatch, "", ""},
	{"3.12-rc1", noMatch, "", ""},
	{"3.15.0rc1t", "cpython-3.15.0rc1+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.15rc1+debug", "cpython-3.15.0rc1+debug-linux-x86_64-gnu", "", ""},

	// Specifier sets; a lone == is a plain version (class 3).
	{">=3.12", cp("3.14.7"), "", ""},
	{">=3.11,<3.13", cp("3.12.14"), "", ""},
	{">= 3.11 , < 3.13", cp("3.12.14"), "", ""},
	{"==3.12", cp("3.12.14"), "", ""},
	{"==3.11", cp("3.11.16"), "", ""},
	{"==3.12.*", cp("3.12.14"), "", ""},
	{"==3.12.4", cp("3.12.4"), "", ""},
	{"==3.12.0", cp("3.12.0"), "", ""},
	{"==3", cp("3.14.7"), "", ""},
	{"==312", cp("3.12.14"), "", ""},
	{"==3.13.0rc2", cp("3.13.0rc2"), "", ""},
	{"==3.12.*t", invalid, "", ""},
	{"!=3.12.*", cp("3.14.7"), "", ""},
	{"~=3.12.1", cp("3.12.14"), "", ""},
	{"~=3.12", cp("3.14.7"), "", ""},
	{"~=3", invalid, "", ""},
	{"!=3.14.0rc1", cp("3.15.0rc1"), cp("3.14.7"), notEqualPre},
	{"!=3.14.7", cp("3.14.6"), "", ""},
	{">3.12", cp("3.14.7"), "", ""},
	{">3.14", cp("3.14.7"), "", ""},
	{"<=3.12", cp("3.12.0"), "", ""},
	{"<3.13", cp("3.12.14"), "", ""},
	{"<3.15", cp("3.14.7"), "", ""},
	{">=3.15", noMatch, "", ""},
	{">=3.15.0rc1", cp("3.15.0rc1"), "", ""},
	{">=3.15.0a1,<3.15.0b1", cp("3.15.0a8"), "", ""},
	{">=3.15.dev0", cp("3.15.0rc1"), "", ""},
	{">3.14.7", cp("3.15.0rc1"), "", ""},
	{"===3.12.4", cp("3.12.4"), "", ""},
	{"===3.12", noMatch, "", ""},
	{"==3.12.*rc1", invalid, "", ""},
	{">=3.12.*", invalid, "", ""},
	{">=3.12,", invalid, "", ""},
	{",>=3.12", invalid, "", ""},
	{"3.12,<3.13", invalid, "", ""},
	{"==3.12.4+local", noMatch, "", ""},
	{">=3.12+local", invalid, "", ""},
	{"~=3.12.*", invalid, "", ""},
	{"<3.14.5", cp("3.14.4"), "", ""},
	{"==1!3.12", cp("3.12.14"), "", ""},
	{">=1!3.0", noMatch, "", ""},
	{"<1!3.0", cp("3.14.7"), "", ""},
	{">=3.13t", "cpython-3.14.7+freethreaded-linux-x86_64-gnu", "", ""},
	{">=3.12,<3.14t", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{">=3.13t,<3.14", invalid, "", ""},
	{"==3.13t", cp("3.13.15"), "cpython-3.13.15+freethreaded-linux-x86_64-gnu", loneEqualVariant},
	{"==31000", noMatch, "", ""},
	{"==3.12.256", noMatch, "", ""},
	{"> = 3.12", invalid, "", ""},
	{">=3.12 <3.13", invalid, "", ""},
	{"<>3.12", invalid, "", ""},
	{"=3.12", invalid, "", ""},

	// Variants.
	{"3.13t", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.13+freethreaded", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.13freethreaded", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"313t", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"3t", "cpython-3.14.7+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.14t", "cpython-3.14.7+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.12t", noMatch, "", ""},
	{"3.13d", "cpython-3.13.15+debug-linux-x86_64-gnu", "", ""},
	{"3.13+debug", "cpython-3.13.15+debug-linux-x86_64-gnu", "", ""},
	{"3.13debug", "cpython-3.13.15+debug-linux-x86_64-gnu", "", ""},
	{"3.12.0d", "cpython-3.12.0+debug-linux-x86_64-gnu", "", ""},
	{"3.12d", "cpython-3.12.14+debug-linux-x86_64-gnu", "", ""},
	{"3.13td", "cpython-3.13.15+freethreaded+debug-linux-x86_64-gnu", "", ""},
	{"3.13+td", "cpython-3.13.15+freethreaded+debug-linux-x86_64-gnu", "", ""},
	{"3.13+freethreaded+debug", "cpython-3.13.15+freethreaded+debug-linux-x86_64-gnu", "", ""},
	{"3.13+debug+freethreaded", invalid, "", ""},
	{"3.13dt", invalid, "", ""},
	{"3.13tt", invalid, "", ""},
	{"3.13+gil", noMatch, cp("3.13.15"), gil},
	{"3.13gil", noMatch, cp("3.13.15"), gil},
	{">=3.13+gil", noMatch, cp("3.14.7"), gil},
	{"3.13+gil+debug", noMatch, "cpython-3.13.15+debug-linux-x86_64-gnu", gil},
	{"3.13+t", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.13+", cp("3.13.15"), "", ""},
	{"3.13++t", invalid, "", ""},
	{"3.13T", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"3.13t ", invalid, "cpython-3.13.15+freethreaded-linux-x86_64-gnu", trimmed},

	// The python prefix (class 2).
	{"python3.12", cp("3.12.14"), "", ""},
	{"python312", cp("3.12.14"), "", ""},
	{"python@3.12", cp("3.12.14"), "", ""},
	{"python3", cp("3.14.7"), "", ""},
	{"PYTHON3.12", cp("3.12.14"), "", ""},
	{"Python@3.12", cp("3.12.14"), "", ""},
	{"python3.13t", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"python>=3.12", cp("3.14.7"), "", ""},
	{"python@>=3.11,<3.13", cp("3.12.14"), "", ""},
	{"python3.12.3", cp("3.12.3"), "", ""},
	{"python@3.15", cp("3.15.0rc1"), "", ""},
	{"python", invalid, "", ""},
	{"pythonw3.12", invalid, "", ""},
	{"python@latest", invalid, "", ""},
	{"python@3.x", invalid, "", ""},
	{"py3.12", invalid, "", ""},
	{"python 3.12", cp("3.12.14"), "", ""},

	// Implementations.
	{"cpython", cp("3.14.7"), "", ""},
	{"cp", cp("3.14.7"), "", ""},
	{"CPython", cp("3.14.7"), "", ""},
	{"pypy", "pypy-3.11.15-linux-x86_64-gnu", "", ""},
	{"pp", "pypy-3.11.15-linux-x86_64-gnu", "", ""},
	{"PyPy", "pypy-3.11.15-linux-x86_64-gnu", "", ""},
	{"graalpy", "graalpy-3.12.0-linux-x86_64-gnu", "", ""},
	{"gp", "graalpy-3.12.0-linux-x86_64-gnu", "", ""},
	{"pypy3.10", "pypy-3.10.16-linux-x86_64-gnu", "", ""},
	{"pp310", "pypy-3.10.16-linux-x86_64-gnu", "", ""},
	{"pypy@3.11", "pypy-3.11.15-linux-x86_64-gnu", "", ""},
	{"pypy3.9", "pypy-3.9.19-linux-x86_64-gnu", "", ""},
	{"pypy-3.11", "pypy-3.11.15-linux-x86_64-gnu", "", ""},
	{"graalpy-3.12", "graalpy-3.12.0-linux-x86_64-gnu", "", ""},
	{"graalpy@3.11", "graalpy-3.11.0-linux-x86_64-gnu", "", ""},
	{"gp312", "graalpy-3.12.0-linux-x86_64-gnu", "", ""},
	{"cp312", cp("3.12.14"), "", ""},
	{"cpython3.12", cp("3.12.14"), "", ""},
	{"cpython@3.12", cp("3.12.14"), "", ""},
	{"cp@3.12", cp("3.12.14"), "", ""},
	{"cpython>=3.12,<3.13", cp("3.12.14"), "", ""},
	{"cpython@latest", invalid, "", ""},
	{"cpython@", invalid, "", ""},
	{"cpythonx", invalid, "", ""},
	{"pypy@3.x", invalid, "", ""},
	{"pypy3.14", noMatch, "", ""},
	{"pp3.11t", noMatch, "", ""},

	// pyodide (class 5).
	{"pyodide", "cpython-3.14.2-emscripten-wasm32-musl", "", ""},
	{"Pyodide", "cpython-3.14.2-emscripten-wasm32-musl", "", ""},
	{"pyodide@3.13", "cpython-3.13.2-emscripten-wasm32-musl", "", ""},
	{"pyodide3.12", "cpython-3.12.7-emscripten-wasm32-musl", "", ""},
	{"pyodide312", "cpython-3.12.7-emscripten-wasm32-musl", "", ""},
	{"pyodide@3.11", "cpython-3.11.3-emscripten-wasm32-musl", "", ""},
	{"pyodide@3.15", noMatch, "", ""},
	{"pyodide@>=3.12,<3.14", "cpython-3.13.2-emscripten-wasm32-musl", "", ""},
	{"pyodide-3.13", noMatch, "cpython-3.13.2-emscripten-wasm32-musl", pyodideKey},
	{"pyodide-3.13.2-emscripten-wasm32-musl", noMatch, "cpython-3.13.2-emscripten-wasm32-musl", pyodideKey},
	{"cpython-3.13.2-emscripten-wasm32-musl", "cpython-3.13.2-emscripten-wasm32-musl", "", ""},
	{"3.12-emscripten-wasm32-musl", "cpython-3.12.7-emscripten-wasm32-musl", "", ""},
	{"cpython-emscripten-wasm32-musl", "cpython-3.14.2-emscripten-wasm32-musl", "", ""},
	{"cpython-3.13-emscripten", cp("3.13.15"), "cpython-3.13.2-emscripten-wasm32-musl", foreignOS},
	{"cpython-3.12-emscripten-wasm32", noMatch, "cpython-3.12.7-emscripten-wasm32-musl", foreignOS},

	// Download keys.
	{"cpython-3.12.4-linux-x86_64-gnu", cp("3.12.4"), "", ""},
	{"cpython-3.13.2", cp("3.13.2"), "", ""},
	{"cpython-3.12", cp("3.12.14"), "", ""},
	{"pypy-linux", "pypy-3.11.15-linux-x86_64-gnu", "", ""},
	{"cpython-linux-x86_64-gnu", cp("3.14.7"), "", ""},
	{"linux-x86_64", cp("3.14.7"), "", ""},
	{"cpython-3.13-linux-aarch64", "cpython-3.13.15-linux-aarch64-gnu", "", ""},
	{"3.13-aarch64", "cpython-3.13.15-linux-aarch64-gnu", "", ""},
	{"3.13-arm64", "cpython-3.13.15-linux-aarch64-gnu", "", ""},
	{"3.13-linux-arm64-gnu", "cpython-3.13.15-linux-aarch64-gnu", "", ""},
	{"3.13-x86_64", cp("3.13.15"), "", ""},
	{"3.13-x86_64_v3", "cpython-3.13.15-linux-x86_64_v3-gnu", "", ""},
	{"cpython-3.12-linux-x86_64_v2-gnu", "cpython-3.12.14-linux-x86_64_v2-gnu", "", ""},
	{"3.13-x86_64_v4-musl", "cpython-3.13.15-linux-x86_64_v4-musl", "", ""},
	{"3.12-musl", "cpython-3.12.14-linux-x86_64-musl", "", ""},
	{"3.12-linux-musl", "cpython-3.12.14-linux-x86_64-musl", "", ""},
	{"cpython-3.12-linux-armv7-gnueabihf", "cpython-3.12.14-linux-armv7-gnueabihf", "", ""},
	{"cpython-3.12-linux-armv7", noMatch, "", ""},
	{"3.12-linux-armv7-musl", noMatch, "", ""},
	{"cpython-3.12-linux-powerpc64le-gnu", "cpython-3.12.14-linux-powerpc64le-gnu", "", ""},
	{"cpython-3.12-linux-s390x", "cpython-3.12.14-linux-s390x-gnu", "", ""},
	{"cpython-3.12-linux-riscv64", noMatch, "cpython-3.12.14-linux-riscv64-gnu", riscv64},
	{"cpython-3.12-linux-riscv64gc", "cpython-3.12.14-linux-riscv64-gnu", "", ""},

	// Architecture and OS names: aliases uv accepts, names without builds (class 4).
	{"3.9-x86", "cpython-3.9.18-linux-i686-gnu", "", ""},
	{"3.9-i686", "cpython-3.9.18-linux-i686-gnu", "", ""},
	{"cpython-3.9-linux-i686-gnu", "cpython-3.9.18-linux-i686-gnu", "", ""},
	{"3.13-x86", noMatch, "", ""},
	{"3.9-i386", noMatch, "cpython-3.9.18-linux-i686-gnu", extraAlias},
	{"3.12-windows", noMatch, "cpython-3.12.14-windows-x86_64-none", foreignOS},
	{"windows-x86_64", noMatch, "cpython-3.14.7-windows-x86_64-none", foreignOS},
	{"cpython-3.12-windows-x86_64-none", "cpython-3.12.14-windows-x86_64-none", "", ""},
	{"cpython-3.12-windows-x86-none", "cpython-3.12.14-windows-i686-none", "", ""},
	{"cpython-3.12-macos-aarch64-none", "cpython-3.12.14-darwin-aarch64-none", "", ""},
	{"cpython-3.12-darwin-aarch64-none", "cpython-3.12.14-darwin-aarch64-none", "", ""},
	{"cpython-3.12-macos", noMatch, "cpython-3.12.14-darwin-x86_64-none", foreignOS},
	{"cpython-3.12-macos-any-none", "cpython-3.12.14-darwin-x86_64-none", "", ""},
	{"3.12-linux-none", noMatch, "", ""},
	{"3.12-none", noMatch, "", ""},
	{"3.12-freebsd", noMatch, "", ""},
	{"3.12-darwin23-aarch64-none", noMatch, "", ""},
	{"3.12-linux-mips", noMatch, "", ""},
	{"cpython-3.12-linux-sparc64-gnu", noMatch, "", ""},
	{"3.12-linux-musleabihf", noMatch, "", ""},

	// Malformed keys.
	{"cpython-3.12-linux-x86_64-gnu-extra", invalid, "", ""},
	{"cpython-linux-x86_64-gnu-extra", cp("3.14.7"), invalid, afterLibc},
	{"linux-gnu-foo", cp("3.14.7"), invalid, afterLibc},
	{"foobar-3.14-windows", invalid, "", ""},
	{"3.12-cpython", invalid, "", ""},
	{"cpython--linux", invalid, "", ""},
	{"cpython-3.x-linux", invalid, "", ""},
	{"cpython-3.12-linux-x86_64_v5", invalid, "", ""},
	{"cpython-3.12-linux-aarch64_v3", invalid, "", ""},
	{"cpython-3.12-unknown", invalid, "", ""},

	// Case.
	{"cpython-3.12-Linux", invalid, cp("3.12.14"), caseInsensitive},
	{"CPython-3.12-linux", cp("3.12.14"), "", ""},
	{"cpython-3.13T-linux", invalid, "cpython-3.13.15+freethreaded-linux-x86_64-gnu", caseInsensitive},
	{"cpython-3.12-linux-X86_64", invalid, cp("3.12.14"), caseInsensitive},

	// Keys with variants, specifiers, other implementations.
	{"cpython-3.13+freethreaded-linux-x86_64-gnu", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"cpython-3.13t-linux", "cpython-3.13.15+freethreaded-linux-x86_64-gnu", "", ""},
	{"cpython-3.14.7+debug-linux-x86_64-gnu", "cpython-3.14.7+debug-linux-x86_64-gnu", "", ""},
	{"cpython->=3.12,<3.13-linux", cp("3.12.14"), "", ""},
	{"cpython-3.12-linux-x86_64_v3-musl", "cpython-3.12.14-linux-x86_64_v3-musl", "", ""},
	{"pypy-3.10-linux-x86_64-gnu", "pypy-3.10.16-linux-x86_64-gnu", "", ""},
	{"pp-3.10", "pypy-3.10.16-linux-x86_64-gnu", "", ""},
	{"gp-3.11", "graalpy-3.11.0-linux-x86_64-gnu", "", ""},
	{"graalpy-linux", "graalpy-3.12.0-linux-x86_64-gnu", "", ""},
	{"pypy-3.9-linux-s390x-gnu", "pypy-3.9.19-linux-s390x-gnu", "", ""},
	{"any-3.12-linux", cp("3.12.14"), "", ""},
	{"3.12-any-aarch64", "cpython-3.12.14-linux-aarch64-gnu", "", ""},
	{"cpython-3.12-linux-x86_64-none", noMatch, "", ""},

	// pyget's extra aliases (Go and triple names).
	{"3.12-amd64", invalid, cp("3.12.14"), extraAlias},
	{"cpython-3.12-linux-ppc64le-gnu", invalid, "cpython-3.12.14-linux-powerpc64le-gnu", extraAlias},
	{"cpython-3.12-linux-arm-gnueabihf", noMatch, "cpython-3.12.14-linux-armv7-gnueabihf", extraAlias},
	{"3.12-386", invalid, noMatch, extraAlias},

	// Not requests.
	{"@3.12", invalid, "", ""},
	{"foobar", invalid, "", ""},
	{"./foo", invalid, "", ""},
	{"3.12/x", invalid, "", ""},
	{"latest", invalid, "", ""},
	{"3.12 3.13", invalid, "", ""},
}

// TestUVTable checks that pyget's install would pick what uv picks, row by
// row, but for the documented differences.
func TestUVTable(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "uv-download-metadata.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("shared catalog not available: %v", err)
	}
	c, _, err := catalog.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	host := &platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}
	seen := map[string]bool{}
	for _, row := range uvTable {
		if seen[row.req] {
			t.Errorf("row %q appears twice", row.req)
		}
		seen[row.req] = true
		want := row.uv
		if row.pyget != "" {
			want = row.pyget
			if row.why == "" {
				t.Errorf("row %q differs from uv without saying why", row.req)
			}
		}
		t.Run(row.req, func(t *testing.T) {
			r, err := Parse(row.req)
			if want == invalid {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Parse(%q) = %v, want a *ParseError", row.req, err)
				}
				if quoted := `"` + strings.TrimSpace(row.req) + `"`; !strings.Contains(err.Error(), quoted) {
					t.Errorf("error %q does not quote the request", err)
				}
				if !strings.Contains(pe.Reason, "accepted") && !strings.Contains(pe.Reason, "a download key is") {
					t.Errorf("reason %q does not say what is accepted", pe.Reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v; want %s", row.req, err, want)
			}
			got := noMatch
			if sel := r.Select(c.Entries, host); len(sel) > 0 {
				got = sel[0].Key
				if !r.Matches(sel[0], host) {
					t.Errorf("Select picked %s, which Matches refuses", got)
				}
			}
			if got != want {
				t.Errorf("install %q picks %s, want %s (uv: %s)", row.req, got, want, row.uv)
			}
		})
	}
	if len(uvTable) < 150 {
		t.Errorf("the table has %d rows; it should cover more of uv's grammar", len(uvTable))
	}
}

// TestUVTableDifferencesDocumented checks that the README's version-request
// section explains every deliberate difference the table records.
func TestUVTableDifferencesDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Skipf("README not available: %v", err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Version requests\n")
	if !ok {
		t.Fatal("README has no \"## Version requests\" section")
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	for _, row := range uvTable {
		if row.why != "" && !strings.Contains(section, string(row.why)) {
			t.Errorf("row %q: the README's version-request section does not mention %s", row.req, row.why)
		}
	}
}
