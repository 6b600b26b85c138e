package attest

import (
	"fmt"
	"strings"
)

// Mode says what an install does about attestations (--attestations,
// PYGET_ATTESTATIONS).
type Mode int

const (
	// Auto verifies when a bundle can be obtained: a bundle that fails
	// verification fails the install; no bundle at all gives one warning
	// line and the install proceeds.
	Auto Mode = iota
	// Require installs only what has a verified attestation.
	Require
	// Off makes no lookup at all.
	Off
)

func (m Mode) String() string {
	switch m {
	case Auto:
		return "auto"
	case Require:
		return "require"
	case Off:
		return "off"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// MarshalText writes the mode's name: the helper protocol carries it so.
func (m Mode) MarshalText() ([]byte, error) {
	if m < Auto || m > Off {
		return nil, fmt.Errorf("attestations mode %d unknown", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads what ParseMode reads.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ModeValues is the form ParseMode accepts, for messages.
const ModeValues = "auto, require or off"

// ParseMode reads "auto", "require" or "off" (any case, surrounding blanks
// ignored); the empty string is Auto, the default.
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return Auto, nil
	case "require":
		return Require, nil
	case "off":
		return Off, nil
	}
	return Auto, fmt.Errorf("attestations mode %q: want %s", s, ModeValues)
}

// FirstAttestedRelease is the first python-build-standalone release whose
// archives (.tar.gz and .tar.zst) carry a build-provenance attestation.
const FirstAttestedRelease = "20250212"

// Attested reports whether a build of the given python-build-standalone
// release can have an attestation. It takes a release tag ("20250212") or a
// full version with one ("3.13.2+20250212"). A tag that is not a date
// (YYYYMMDD) counts as attested: a lookup is then tried rather than skipped.
func Attested(buildTag string) bool {
	tag := buildTag
	if i := strings.LastIndexByte(tag, '+'); i >= 0 {
		tag = tag[i+1:]
	}
	if len(tag) != len(FirstAttestedRelease) {
		return true
	}
	for _, c := range tag {
		if c < '0' || c > '9' {
			return true
		}
	}
	return tag >= FirstAttestedRelease
}
