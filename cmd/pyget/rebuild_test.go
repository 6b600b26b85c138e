package main

import (
	"os"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/platform"
)

// rebuild X.Y.Z BUILD CATALOG: a later python-build-standalone release of
// version X.Y.Z (its archive, served on the mirror under BUILD/), and
// CATALOG, a copy of $WORK/catalog.json whose X.Y.Z entry is that release's:
// the catalog of a later day.
func cmdRebuild(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: rebuild X.Y.Z BUILD CATALOG")
	}
	parts := strings.Split(args[0], ".")
	if len(parts) != 3 {
		ts.Fatalf("rebuild: want X.Y.Z, not %q", args[0])
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		ts.Check(err)
		n[i] = v
	}
	b := fakeBuild{major: n[0], minor: n[1], patch: n[2], build: args[1]}
	p := platform.Detect()
	name, key, data, err := fakeArchive(b, p)
	ts.Check(err)
	ts.Value(mirrorKey{}).(*faultserver.Server).SetFile("/"+b.build+"/"+name, data)

	path := ts.MkAbs("catalog.json")
	old, err := os.ReadFile(path)
	ts.Check(err)
	c, _, err := catalog.Parse(path, old)
	ts.Check(err)
	replaced := false
	for i, e := range c.Entries {
		if e.Key == key {
			c.Entries[i] = fakeEntry(b, p, key, name, data)
			replaced = true
		}
	}
	if !replaced {
		ts.Fatalf("rebuild: the catalog has no %s", key)
	}
	out, err := catalog.EncodeUV(c.Entries)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), out, 0o644))
}
