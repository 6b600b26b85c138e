package importrules

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noDecidingCallbacks are the packages below the CLI whose exported
// functions and methods must take no function: data flows one way, so they
// answer (pipeline.Resolver) rather than ask the caller to decide (as
// pipeline.ChooseUpgrades once did with a resolve callback). What they call
// back is notification only, and lives in struct fields (OnWait, OnNote,
// OnEvent, OnFile).
var noDecidingCallbacks = []string{"internal/pipeline", "internal/mirror"}

// funcParams lists the exported functions and methods of the non-test Go
// files in dir that take a parameter of function type.
func funcParams(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			for _, p := range fn.Type.Params.List {
				if _, isFunc := p.Type.(*ast.FuncType); isFunc {
					out = append(out, filepath.Base(path)+": "+fn.Name.Name)
				}
			}
		}
	}
	return out
}

// TestNoCallbacksUpstream checks noDecidingCallbacks.
func TestNoCallbacksUpstream(t *testing.T) {
	for _, pkg := range noDecidingCallbacks {
		dir := filepath.Join("..", "..", filepath.FromSlash(pkg))
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		for _, f := range funcParams(t, dir) {
			t.Errorf("%s/%s takes a function: nothing downstream calls back upstream (docs/architecture.md); return an answer or a typed error instead", pkg, f)
		}
	}
	// The check must see a function parameter where there is one.
	dir := t.TempDir()
	src := "package p\n\nfunc Choose(resolve func(string) error) {}\n"
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := funcParams(t, dir); len(got) != 1 || got[0] != "p.go: Choose" {
		t.Errorf("funcParams of a made-up package = %q, want its Choose", got)
	}
}
