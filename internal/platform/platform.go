// Package platform says which builds fit this machine: OS, architecture
// (with x86-64 micro-architecture levels) and libc.
package platform

// Platform names a target in the catalog's vocabulary.
type Platform struct {
	OS   string // linux, darwin, windows
	Arch string // catalog arch family: x86_64, aarch64, i686, armv7, powerpc64le, s390x, riscv64
	Libc string // gnu, musl, gnueabihf, gnueabi; "none" on darwin and windows

	// Level is the x86-64 micro-architecture level: "" (plain x86_64, the
	// default, as in uv), "v2", "v3" or "v4".
	Level string
	// AutoLevel means Level was picked by probing the CPU (--arch auto): builds of
	// any level up to Level fit, the highest preferred. Without it only Level fits.
	AutoLevel bool
}

// CONTRACT (skeleton; the implementation may add, but keep these names).

// Detect returns this machine's platform: runtime OS/arch mapped to the
// catalog's names, libc detected from the dynamic loader (musl vs glibc),
// Level "".
func Detect() Platform { panic("unimplemented") }

// Parse parses "linux-aarch64-musl", "linux-x86_64_v3-gnu", "darwin-aarch64"
// (libc defaults to none off linux). Go names (amd64, arm64) are accepted too.
func Parse(s string) (Platform, error) { panic("unimplemented") }

// WithArch applies --arch / PYGET_ARCH: "auto" sets the highest level this
// CPU supports with AutoLevel; "x86_64_v3" pins that level; "aarch64" etc.
// set the family.
func (p Platform) WithArch(arch string) (Platform, error) { panic("unimplemented") }

// FitsArch reports whether a build for family/variant fits, and a rank
// (higher is preferred) among the levels that fit.
func (p Platform) FitsArch(family, variant string) (rank int, ok bool) { panic("unimplemented") }

// String gives "linux-x86_64-gnu" form.
func (p Platform) String() string { panic("unimplemented") }
