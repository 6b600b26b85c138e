// Command pyget-attest is pyget's attestation verifier: pyget runs it on the
// paths that verify (install, upgrade, mirror), sends it one JSON request on
// stdin and reads one JSON response from stdout. It is a separate executable
// so that sigstore-go (and its start-up cost) stays out of pyget itself; see
// package attest (the protocol) and package provenance (the verification).
package main

import (
	"os"

	"github.com/pyget/pyget/internal/provenance"
)

func main() {
	os.Exit(provenance.ServeHelper(os.Stdin, os.Stdout, os.Stderr))
}
