package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/pyfix"
	"github.com/pyget/pyget/internal/store"
)

// fixStaged makes the staged build work where it will be installed
// (package pyfix: build-time paths and compiler, EXTERNALLY-MANAGED,
// bytecode). It runs on the staged tree, after the provenance verdict
// (compiling bytecode runs the build's interpreter) and before the commit,
// so a crash in it leaves the previous install or nothing: the staged tree
// is swept by the next lock of the build. A reinstall, an upgrade and a
// local archive all come through here.
func (in *Installer) fixStaged(ctx context.Context, e catalog.Entry, stage *store.Staging) (pyfix.Report, error) {
	b := pyfix.Build{Implementation: e.Name, Major: e.Major, Minor: e.Minor, Freethreaded: e.Freethreaded(), OS: e.OS}
	if exes, err := store.Executables(e, stage.Dir, false); err == nil && len(exes) > 0 {
		b.Interpreter = exes[0].Rel
	}
	// The staged folder sits in the install dir beside the build's final
	// name, and is renamed to it.
	prefix := filepath.Join(filepath.Dir(stage.Dir), e.Key)
	r, err := pyfix.Apply(ctx, stage.Dir, prefix, b, in.Fix)
	if err != nil {
		return r, fmt.Errorf("installing %s into %s: %w", e.Key, in.Layout.InstallDir, err)
	}
	return r, nil
}
