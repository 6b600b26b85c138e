package platform

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Platform
		wantErr string // substring; "" = success
	}{
		{in: "linux-aarch64-musl", want: Platform{OS: "linux", Arch: "aarch64", Libc: "musl"}},
		{in: "linux-x86_64_v3-gnu", want: Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3"}},
		{in: "linux-x86_64_v4-musl", want: Platform{OS: "linux", Arch: "x86_64", Libc: "musl", Level: "v4"}},
		{in: "darwin-aarch64", want: Platform{OS: "darwin", Arch: "aarch64", Libc: "none"}},
		{in: "darwin-x86_64-none", want: Platform{OS: "darwin", Arch: "x86_64", Libc: "none"}},
		{in: "windows-x86_64", want: Platform{OS: "windows", Arch: "x86_64", Libc: "none"}},
		{in: "windows-386", want: Platform{OS: "windows", Arch: "i686", Libc: "none"}},
		{in: "linux-amd64-gnu", want: Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}},
		{in: "linux-amd64_v2-gnu", want: Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v2"}},
		{in: "Linux-ARM64-MUSL", want: Platform{OS: "linux", Arch: "aarch64", Libc: "musl"}},
		{in: "macos-arm64", want: Platform{OS: "darwin", Arch: "aarch64", Libc: "none"}},
		{in: "linux-x86_64", want: Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}},
		{in: "linux-arm", want: Platform{OS: "linux", Arch: "armv7", Libc: "gnueabihf"}},
		{in: "linux-armv7-gnueabi", want: Platform{OS: "linux", Arch: "armv7", Libc: "gnueabi"}},
		{in: "linux-ppc64le-gnu", want: Platform{OS: "linux", Arch: "powerpc64le", Libc: "gnu"}},
		{in: "linux-s390x-gnu", want: Platform{OS: "linux", Arch: "s390x", Libc: "gnu"}},
		{in: "linux-riscv64-gnu", want: Platform{OS: "linux", Arch: "riscv64", Libc: "gnu"}},

		{in: "", wantErr: "want OS-ARCH"},
		{in: "linux", wantErr: "want OS-ARCH"},
		{in: "linux-x86_64-gnu-extra", wantErr: "want OS-ARCH"},
		{in: "freebsd-x86_64", wantErr: `unknown OS "freebsd" (accepted: linux, darwin, windows)`},
		{in: "linux-sparc-gnu", wantErr: `unknown architecture "sparc" (accepted: x86_64`},
		{in: "linux-x86_64_v5-gnu", wantErr: `unknown architecture "x86_64_v5"`},
		{in: "linux-aarch64_v3-gnu", wantErr: "levels exist only for x86_64"},
		{in: "linux-x86_64-uclibc", wantErr: `unknown libc "uclibc" (accepted: gnu, musl`},
		{in: "linux-x86_64-none", wantErr: `libc "none" does not go with linux`},
		{in: "darwin-aarch64-gnu", wantErr: `libc "gnu" does not go with darwin (want "none")`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, s := range []string{"linux-x86_64-gnu", "linux-x86_64_v3-gnu", "darwin-aarch64-none", "windows-i686-none", "linux-armv7-gnueabihf"} {
		p, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.String(); got != s {
			t.Errorf("Parse(%q).String() = %q", s, got)
		}
	}
}

var (
	cpuBase = CPUFeatures{}
	cpuV2   = CPUFeatures{CX16: true, LAHF: true, POPCNT: true, SSE3: true, SSSE3: true, SSE41: true, SSE42: true}
	cpuV3   = with(cpuV2, func(f *CPUFeatures) {
		f.AVX, f.AVX2, f.BMI1, f.BMI2, f.F16C, f.FMA, f.LZCNT, f.MOVBE, f.OSXSAVE = true, true, true, true, true, true, true, true, true
	})
	cpuV4 = with(cpuV3, func(f *CPUFeatures) {
		f.AVX512F, f.AVX512BW, f.AVX512CD, f.AVX512DQ, f.AVX512VL = true, true, true, true, true
	})
)

func with(f CPUFeatures, edit func(*CPUFeatures)) CPUFeatures {
	edit(&f)
	return f
}

func TestCPULevel(t *testing.T) {
	tests := []struct {
		name string
		cpu  CPUFeatures
		want string
	}{
		{"none", cpuBase, ""},
		{"v2", cpuV2, "v2"},
		{"v2 without popcnt", with(cpuV2, func(f *CPUFeatures) { f.POPCNT = false }), ""},
		{"v2 without cx16", with(cpuV2, func(f *CPUFeatures) { f.CX16 = false }), ""},
		{"v3", cpuV3, "v3"},
		{"v3 without avx2", with(cpuV3, func(f *CPUFeatures) { f.AVX2 = false }), "v2"},
		{"v3 without osxsave", with(cpuV3, func(f *CPUFeatures) { f.OSXSAVE = false }), "v2"},
		{"v3 without movbe", with(cpuV3, func(f *CPUFeatures) { f.MOVBE = false }), "v2"},
		{"v4", cpuV4, "v4"},
		{"v4 without vl", with(cpuV4, func(f *CPUFeatures) { f.AVX512VL = false }), "v3"},
		{"avx512 but no sse4.2", with(cpuV4, func(f *CPUFeatures) { f.SSE42 = false }), ""},
	}
	for _, tt := range tests {
		if got := tt.cpu.Level(); got != tt.want {
			t.Errorf("%s: Level() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWithArch(t *testing.T) {
	linux64 := Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}
	tests := []struct {
		name    string
		from    Platform
		arch    string
		cpu     CPUFeatures
		want    Platform
		wantErr string
	}{
		{"empty keeps", linux64, "", cpuV4, linux64, ""},
		{"auto v4", linux64, "auto", cpuV4, Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v4", AutoLevel: true}, ""},
		{"auto v3", linux64, "AUTO", cpuV3, Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3", AutoLevel: true}, ""},
		{"auto v2", linux64, "auto", cpuV2, Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v2", AutoLevel: true}, ""},
		{"auto baseline", linux64, "auto", cpuBase, Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", AutoLevel: true}, ""},
		{"auto off x86 is a no-op", Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}, "auto", cpuV4, Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}, ""},
		{"pin v3", linux64, "x86_64_v3", cpuBase, Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3"}, ""},
		{"pin clears auto", Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v4", AutoLevel: true}, "x86_64_v2", cpuV4, Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v2"}, ""},
		{"plain x86_64 clears level", Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3"}, "x86_64", cpuV4, linux64, ""},
		{"family", linux64, "aarch64", cpuV4, Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}, ""},
		{"go name", Platform{OS: "darwin", Arch: "aarch64", Libc: "none"}, "amd64", cpuV4, Platform{OS: "darwin", Arch: "x86_64", Libc: "none"}, ""},
		{"to armv7 adjusts libc", linux64, "armv7", cpuV4, Platform{OS: "linux", Arch: "armv7", Libc: "gnueabihf"}, ""},
		{"from armv7 adjusts libc", Platform{OS: "linux", Arch: "armv7", Libc: "gnueabi"}, "aarch64", cpuV4, Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}, ""},
		{"musl kept", Platform{OS: "linux", Arch: "x86_64", Libc: "musl"}, "aarch64", cpuV4, Platform{OS: "linux", Arch: "aarch64", Libc: "musl"}, ""},
		{"unknown", linux64, "mips", cpuV4, linux64, `unknown architecture "mips"`},
		{"level on arm", linux64, "aarch64_v2", cpuV4, linux64, "only for x86_64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.from.WithArchFeatures(tt.arch, tt.cpu)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %+v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFitsArch(t *testing.T) {
	auto3 := Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3", AutoLevel: true}
	autoBase := Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", AutoLevel: true}
	pin3 := Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3"}
	plain := Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}
	arm := Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}
	tests := []struct {
		name            string
		p               Platform
		family, variant string
		wantRank        int
		wantOK          bool
	}{
		{"auto plain", auto3, "x86_64", "", 1, true},
		{"auto v2", auto3, "x86_64", "v2", 2, true},
		{"auto v3", auto3, "x86_64", "v3", 3, true},
		{"auto v4 too high", auto3, "x86_64", "v4", 0, false},
		{"auto unknown level", auto3, "x86_64", "v9", 0, false},
		{"auto baseline only plain", autoBase, "x86_64", "", 1, true},
		{"auto baseline no v2", autoBase, "x86_64", "v2", 0, false},
		{"auto other family", auto3, "aarch64", "", 0, false},
		{"pinned exact", pin3, "x86_64", "v3", 1, true},
		{"pinned lower", pin3, "x86_64", "v2", 0, false},
		{"pinned plain", pin3, "x86_64", "", 0, false},
		{"plain plain", plain, "x86_64", "", 1, true},
		{"plain v2", plain, "x86_64", "v2", 0, false},
		{"arm", arm, "aarch64", "", 1, true},
		{"arm x86", arm, "x86_64", "", 0, false},
	}
	for _, tt := range tests {
		rank, ok := tt.p.FitsArch(tt.family, tt.variant)
		if rank != tt.wantRank || ok != tt.wantOK {
			t.Errorf("%s: FitsArch(%q, %q) = %d, %v; want %d, %v", tt.name, tt.family, tt.variant, rank, ok, tt.wantRank, tt.wantOK)
		}
	}
}

func TestForInstalled(t *testing.T) {
	base, err := Parse("linux-x86_64-gnu")
	if err != nil {
		t.Fatal(err)
	}
	wide := base.ForInstalled()
	if !wide.AutoLevel || wide.Level != HostCPU().Level() || wide.Arch != "x86_64" {
		t.Errorf("ForInstalled(%v) = %+v, want this CPU's level with AutoLevel", base, wide)
	}
	if _, ok := wide.FitsArch("x86_64", ""); !ok {
		t.Errorf("the widened platform does not fit a baseline build")
	}
	for _, s := range []string{"linux-x86_64_v3-gnu", "linux-aarch64-gnu", "macos-aarch64-none"} {
		p, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.ForInstalled(); got != p {
			t.Errorf("ForInstalled(%s) = %+v, want it unchanged", s, got)
		}
	}
}
