package provenance

import "github.com/pyget/pyget/internal/attest"

// Mode, its values and the release rule are package attest's (the light
// package pyget itself links): provenance applies them.
type Mode = attest.Mode

const (
	Auto    = attest.Auto
	Require = attest.Require
	Off     = attest.Off
)

// FirstAttestedRelease is attest.FirstAttestedRelease.
const FirstAttestedRelease = attest.FirstAttestedRelease

// Attested is attest.Attested.
func Attested(buildTag string) bool { return attest.Attested(buildTag) }
