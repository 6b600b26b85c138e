// Package attest is pyget's side of provenance checking: the attestations
// mode (auto, require, off), the protocol spoken with the pyget-attest
// helper, finding and running that helper, and the typed errors callers act
// on.
//
// The verification itself (sigstore-go, package provenance) lives in a
// separate executable, cmd/pyget-attest, because linking it into pyget
// doubles the binary and Go runs every linked package's init at every start:
// find and list would pay for it on every call. pyget starts the helper only
// on the paths that verify (install, upgrade, mirror), sends it one JSON
// Request on stdin and reads one JSON Response from its stdout. The helper
// reads no environment variable: everything it needs, the token included, is
// in the Request (never on its command line).
//
// A helper that cannot be found is "no bundle available": Auto warns and
// the install proceeds, Require fails with a hint how to install it.
//
// It imports nothing of pyget's, and never sigstore-go or package
// provenance.
package attest
