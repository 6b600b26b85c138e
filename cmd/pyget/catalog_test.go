package main

import (
	"os"
	"path/filepath"

	"github.com/pyget/pyget/internal/catalog"
)

// PYGET_TEST_SNAPSHOT (test binary only) names a catalog in uv's format
// that replaces the snapshot built into pyget, so that a script can install
// from "the snapshot" builds its mirror really serves.
func init() {
	p := os.Getenv("PYGET_TEST_SNAPSHOT")
	if p == "" {
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		panic(err)
	}
	c, _, err := catalog.Parse(p, data)
	if err != nil {
		panic(err)
	}
	if snapshotOverride, err = catalog.EncodeSnapshot(c, filepath.Base(p)); err != nil {
		panic(err)
	}
}
