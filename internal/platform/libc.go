package platform

import (
	"debug/elf"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// DetectLibc names the linux libc of the system rooted at root ("/" for
// this one) in the catalog's vocabulary: "musl", or for glibc "gnu"
// ("gnueabihf"/"gnueabi" on armv7).
//
// The dynamic loader a system binary asks for (its ELF PT_INTERP) is the
// authority: a glibc distribution can have musl installed alongside (Debian's
// musl package puts /lib/ld-musl-*.so.1 there), so the mere presence of a
// loader file is only the fallback when no binary can be read.
func DetectLibc(root, arch string) string {
	for _, bin := range []string{"/bin/sh", "/usr/bin/env", "/bin/ls", "/usr/bin/ls"} {
		interp, flags, err := readInterp(root, bin)
		if err != nil || interp == "" {
			continue
		}
		if strings.Contains(path.Base(interp), "ld-musl") {
			return "musl"
		}
		return glibcName(arch, flags)
	}
	for _, pattern := range []string{"lib/ld-musl-*.so.1", "usr/lib/ld-musl-*.so.1", "usr/local/lib/ld-musl-*.so.1"} {
		if m, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern))); len(m) > 0 {
			return "musl"
		}
	}
	return glibcName(arch, 0)
}

// EF_ARM_ABI_FLOAT_SOFT: the binary follows the soft-float calling convention.
const efARMABIFloatSoft = 0x200

func glibcName(arch string, elfFlags uint32) string {
	if arch != "armv7" {
		return "gnu"
	}
	if elfFlags&efARMABIFloatSoft != 0 {
		return "gnueabi"
	}
	return "gnueabihf"
}

// readInterp returns the PT_INTERP of the ELF file at name inside root, and
// its header flags.
func readInterp(root, name string) (string, uint32, error) {
	p, err := resolveIn(root, name)
	if err != nil {
		return "", 0, err
	}
	osf, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer osf.Close()
	f, err := elf.NewFile(osf)
	if err != nil {
		return "", 0, err
	}
	flags := elfFlags(osf, f)
	for _, prog := range f.Progs {
		if prog.Type != elf.PT_INTERP {
			continue
		}
		// Bounded: a corrupt header must not make us allocate gigabytes.
		b, err := io.ReadAll(io.LimitReader(prog.Open(), 4096))
		if err != nil {
			return "", 0, err
		}
		return strings.TrimRight(string(b), "\x00"), flags, nil
	}
	return "", flags, nil
}

// elfFlags reads e_flags, which debug/elf does not expose; it carries the
// ARM float ABI.
func elfFlags(r io.ReaderAt, f *elf.File) uint32 {
	off := int64(0x30)
	if f.Class == elf.ELFCLASS32 {
		off = 0x24
	}
	var b [4]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return 0
	}
	return f.ByteOrder.Uint32(b[:])
}

var errTooManyLinks = errors.New("too many levels of symbolic links")

// resolveIn resolves the slash path name as if root were "/": absolute
// symlinks (/bin/sh -> /usr/bin/dash, /bin -> usr/bin) stay inside root.
func resolveIn(root, name string) (string, error) {
	pending := strings.Split(strings.Trim(name, "/"), "/")
	var done []string
	for hops := 0; len(pending) > 0; {
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := filepath.Join(root, filepath.FromSlash(path.Join(append(done, c)...)))
		fi, err := os.Lstat(cur)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if hops++; hops > 40 {
			return "", errTooManyLinks
		}
		target, err := os.Readlink(cur)
		if err != nil {
			return "", err
		}
		target = filepath.ToSlash(target)
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		}
		pending = append(strings.Split(strings.Trim(target, "/"), "/"), pending...)
	}
	return filepath.Join(root, filepath.FromSlash(path.Join(done...))), nil
}
