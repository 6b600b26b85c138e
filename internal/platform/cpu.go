package platform

import "golang.org/x/sys/cpu"

// CPUFeatures are the x86-64 features that decide the micro-architecture
// level (x86-64-v2/v3/v4 of the psABI).
type CPUFeatures struct {
	// v2
	CX16, LAHF, POPCNT, SSE3, SSSE3, SSE41, SSE42 bool
	// v3 (x/sys/cpu reports AVX/AVX2 only when the OS saves the YMM state)
	AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, OSXSAVE bool
	// v4 (likewise for the ZMM state)
	AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL bool
}

// HostCPU probes this CPU. Off x86 every feature is false.
func HostCPU() CPUFeatures {
	x := cpu.X86
	return CPUFeatures{
		CX16: x.HasCX16, LAHF: x.HasLAHF, POPCNT: x.HasPOPCNT, SSE3: x.HasSSE3,
		SSSE3: x.HasSSSE3, SSE41: x.HasSSE41, SSE42: x.HasSSE42,
		AVX: x.HasAVX, AVX2: x.HasAVX2, BMI1: x.HasBMI1, BMI2: x.HasBMI2,
		F16C: x.HasF16C, FMA: x.HasFMA, LZCNT: x.HasLZCNT, MOVBE: x.HasMOVBE,
		OSXSAVE:  x.HasOSXSAVE,
		AVX512F:  x.HasAVX512F,
		AVX512BW: x.HasAVX512BW, AVX512CD: x.HasAVX512CD,
		AVX512DQ: x.HasAVX512DQ, AVX512VL: x.HasAVX512VL,
	}
}

// Level is the highest x86-64 level these features reach: "" (baseline),
// "v2", "v3" or "v4". Levels are cumulative: a CPU with AVX-512 but no
// POPCNT (not a real one) is still baseline.
func (f CPUFeatures) Level() string {
	if !(f.CX16 && f.LAHF && f.POPCNT && f.SSE3 && f.SSSE3 && f.SSE41 && f.SSE42) {
		return ""
	}
	if !(f.AVX && f.AVX2 && f.BMI1 && f.BMI2 && f.F16C && f.FMA && f.LZCNT && f.MOVBE && f.OSXSAVE) {
		return "v2"
	}
	if !(f.AVX512F && f.AVX512BW && f.AVX512CD && f.AVX512DQ && f.AVX512VL) {
		return "v3"
	}
	return "v4"
}
