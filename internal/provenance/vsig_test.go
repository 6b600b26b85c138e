package provenance

// The Sigstore stand-in is package provenancetest's (cmd/pyget's scripts
// use it too); these are its short names for this package's tests.

import (
	"testing"

	"github.com/pyget/pyget/internal/provenance/provenancetest"
)

const (
	goodSAN     = provenancetest.GoodSAN
	goodRepoURL = provenancetest.GoodRepoURL
)

type (
	fixture  = provenancetest.Fixture
	rootOpts = provenancetest.RootOpts
	att      = provenancetest.Att
)

func newFixture(t *testing.T) *fixture { return provenancetest.NewFixture(t) }

func statement(predicateType string, shas ...string) []byte {
	return provenancetest.Statement(predicateType, shas...)
}

func digestOf(s string) string { return provenancetest.DigestOf(s) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
