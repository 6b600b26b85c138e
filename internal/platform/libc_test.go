package platform

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// fakeELF builds the smallest ELF file debug/elf accepts with a PT_INTERP of
// interp ("" = none, like a static binary). class32 builds an ARM one with the
// given e_flags.
func fakeELF(t *testing.T, interp string, class32 bool, flags uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	le := binary.LittleEndian
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)}
	nprog := uint16(0)
	if interp != "" {
		nprog = 1
	}
	data := append([]byte(interp), 0)
	if class32 {
		ident[elf.EI_CLASS] = byte(elf.ELFCLASS32)
		hdr := elf.Header32{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_ARM), Version: 1,
			Phoff: 52, Flags: flags, Ehsize: 52, Phentsize: 32, Phnum: nprog}
		must(t, binary.Write(&buf, le, hdr))
		if nprog > 0 {
			must(t, binary.Write(&buf, le, elf.Prog32{Type: uint32(elf.PT_INTERP), Off: 84, Filesz: uint32(len(data)), Memsz: uint32(len(data)), Align: 1}))
		}
	} else {
		hdr := elf.Header64{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1,
			Phoff: 64, Flags: flags, Ehsize: 64, Phentsize: 56, Phnum: nprog}
		must(t, binary.Write(&buf, le, hdr))
		if nprog > 0 {
			must(t, binary.Write(&buf, le, elf.Prog64{Type: uint32(elf.PT_INTERP), Off: 120, Filesz: uint64(len(data)), Memsz: uint64(len(data)), Align: 1}))
		}
	}
	if nprog > 0 {
		buf.Write(data)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fsEntry is one file of a fake root: content, or a symlink target.
type fsEntry struct {
	data    []byte
	symlink string
}

func makeRoot(t *testing.T, files map[string]fsEntry) string {
	t.Helper()
	root := t.TempDir()
	for name, e := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if e.symlink != "" {
			if err := os.Symlink(e.symlink, p); err != nil {
				if runtime.GOOS == "windows" {
					t.Skipf("symlinks unavailable: %v", err)
				}
				t.Fatal(err)
			}
			continue
		}
		must(t, os.WriteFile(p, e.data, 0o755))
	}
	return root
}

func TestDetectLibc(t *testing.T) {
	glibcSh := fakeELF(t, "/lib64/ld-linux-x86-64.so.2", false, 0)
	muslSh := fakeELF(t, "/lib/ld-musl-x86_64.so.1", false, 0)
	static := fakeELF(t, "", false, 0)
	armHF := fakeELF(t, "/lib/ld-linux-armhf.so.3", true, 0x05000400)
	armSoft := fakeELF(t, "/lib/ld-linux.so.3", true, 0x05000200)
	tests := []struct {
		name  string
		arch  string
		files map[string]fsEntry
		want  string
	}{
		{"glibc sh", "x86_64", map[string]fsEntry{"bin/sh": {data: glibcSh}}, "gnu"},
		{"musl sh", "x86_64", map[string]fsEntry{"bin/sh": {data: muslSh}}, "musl"},
		{"glibc with musl installed too", "x86_64", map[string]fsEntry{
			"bin/sh": {data: glibcSh}, "lib/ld-musl-x86_64.so.1": {data: []byte("x")},
		}, "gnu"},
		{"absolute symlink stays in root", "x86_64", map[string]fsEntry{
			"bin/sh": {symlink: "/bin/busybox"}, "bin/busybox": {data: muslSh},
		}, "musl"},
		{"merged usr with relative links", "x86_64", map[string]fsEntry{
			"bin": {symlink: "usr/bin"}, "usr/bin/sh": {symlink: "dash"}, "usr/bin/dash": {data: muslSh},
		}, "musl"},
		{"dotdot link", "x86_64", map[string]fsEntry{
			"bin/sh": {symlink: "../../../usr/bin/dash"}, "usr/bin/dash": {data: muslSh},
		}, "musl"},
		{"symlink loop falls back", "x86_64", map[string]fsEntry{
			"bin/sh": {symlink: "/bin/sh2"}, "bin/sh2": {symlink: "/bin/sh"},
			"lib/ld-musl-x86_64.so.1": {data: []byte("x")},
		}, "musl"},
		{"static sh, env decides", "x86_64", map[string]fsEntry{
			"bin/sh": {data: static}, "usr/bin/env": {data: muslSh},
		}, "musl"},
		{"not elf, loader file fallback", "aarch64", map[string]fsEntry{
			"bin/sh": {data: []byte("#!/bin/false\n")}, "lib/ld-musl-aarch64.so.1": {data: []byte("x")},
		}, "musl"},
		{"nothing readable means glibc", "x86_64", map[string]fsEntry{"etc/os-release": {data: []byte("ID=x\n")}}, "gnu"},
		{"armv7 hard float", "armv7", map[string]fsEntry{"bin/sh": {data: armHF}}, "gnueabihf"},
		{"armv7 soft float", "armv7", map[string]fsEntry{"bin/sh": {data: armSoft}}, "gnueabi"},
		{"armv7 unknown defaults to hard float", "armv7", map[string]fsEntry{}, "gnueabihf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := makeRoot(t, tt.files)
			if got := DetectLibc(root, tt.arch); got != tt.want {
				t.Fatalf("DetectLibc = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDetectFakeRoot(t *testing.T) {
	muslRoot := makeRoot(t, map[string]fsEntry{"bin/sh": {data: fakeELF(t, "/lib/ld-musl-aarch64.so.1", false, 0)}})
	tests := []struct {
		goos, goarch, root string
		want               Platform
	}{
		{"linux", "arm64", muslRoot, Platform{OS: "linux", Arch: "aarch64", Libc: "musl"}},
		{"linux", "amd64", t.TempDir(), Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}},
		{"linux", "arm", t.TempDir(), Platform{OS: "linux", Arch: "armv7", Libc: "gnueabihf"}},
		{"linux", "ppc64le", t.TempDir(), Platform{OS: "linux", Arch: "powerpc64le", Libc: "gnu"}},
		{"linux", "s390x", t.TempDir(), Platform{OS: "linux", Arch: "s390x", Libc: "gnu"}},
		{"linux", "riscv64", t.TempDir(), Platform{OS: "linux", Arch: "riscv64", Libc: "gnu"}},
		{"darwin", "arm64", muslRoot, Platform{OS: "darwin", Arch: "aarch64", Libc: "none"}},
		{"windows", "386", muslRoot, Platform{OS: "windows", Arch: "i686", Libc: "none"}},
		{"windows", "amd64", muslRoot, Platform{OS: "windows", Arch: "x86_64", Libc: "none"}},
	}
	for _, tt := range tests {
		if got := detect(tt.goos, tt.goarch, tt.root); got != tt.want {
			t.Errorf("detect(%s, %s) = %+v, want %+v", tt.goos, tt.goarch, got, tt.want)
		}
	}
}

// The real machine: whatever it is, Detect must agree with detect on "/"
// and name a libc the catalog knows.
func TestDetectHost(t *testing.T) {
	p := Detect()
	if p != detect(runtime.GOOS, runtime.GOARCH, "/") {
		t.Fatalf("Detect() = %+v disagrees with detect", p)
	}
	if p.Level != "" || p.AutoLevel {
		t.Fatalf("Detect() = %+v: level must be unset", p)
	}
	if _, err := Parse(p.String()); err != nil && (runtime.GOOS == "linux" || runtime.GOOS == "darwin" || runtime.GOOS == "windows") {
		t.Fatalf("Detect() = %q does not parse back: %v", p, err)
	}
}
