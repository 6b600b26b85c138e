package importrules

import (
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// rule is one row of docs/architecture.md's owners table. Paths are
// relative to the module and name a package with every package under it
// ("cmd" is every command). The rule holds for pkg and the packages under
// it, for what they import directly or through another of pyget's packages.
type rule struct {
	pkg string
	// never lists what pkg must never import.
	never []string
	// only, when not nil, lists instead the only ones of pyget's packages
	// pkg may import: the table's "anything of pyget's (but ...)".
	only []string
}

var nothing = []string{}

// rules is docs/architecture.md's "never imports" column; keep the two
// together. importrules itself is not in the table: it holds no code.
var rules = []rule{
	{pkg: "internal/config", only: []string{"internal/platform", "internal/attest", "internal/fetch", "internal/archive", "internal/fsutil"}},
	{pkg: "internal/platform", only: nothing},
	{pkg: "internal/pyrequest", never: []string{"internal/fetch", "internal/store", "internal/pipeline"}},
	{pkg: "internal/catalog", never: []string{"internal/store", "internal/pipeline", "internal/archive"}},
	{pkg: "internal/fetch", never: []string{"internal/config", "internal/catalog", "internal/store", "internal/pipeline", "cmd"}},
	{pkg: "internal/archive", never: []string{"internal/fetch", "internal/store"}},
	{pkg: "internal/store", never: []string{"internal/fetch", "internal/archive", "internal/pipeline"}},
	{pkg: "internal/pipeline", never: []string{"cmd"}},
	{pkg: "internal/mirror", never: []string{"cmd", "internal/store", "internal/pipeline"}},
	{pkg: "internal/shellpath", only: []string{"internal/fsutil"}},
	{pkg: "internal/provenance", never: []string{"internal/store", "internal/pipeline", "cmd"}},
	{pkg: "internal/attest", only: nothing},
	{pkg: "internal/pyfix", only: nothing},
	{pkg: "internal/fsutil", only: nothing},
	{pkg: "internal/importrules", only: nothing},
}

// importedOnlyBy lists packages that only the given ones (and packages
// under the restricted one itself, and tests) may import: sigstore-go stays
// out of pyget, in the pyget-attest helper (see TestPygetLinksNoSigstore).
var importedOnlyBy = map[string][]string{
	"internal/provenance": {"cmd/pyget-attest"},
}

// testOnly are the packages for tests only: no package outside them may
// import them (their _test.go files and one another may).
var testOnly = []string{"internal/faultserver", "internal/testutil", "internal/provenance/provenancetest"}

// graph maps each of the module's packages to the module's packages its
// non-test files import, each with one file that does.
type graph map[string]map[string]string

// violation is a package that reaches a forbidden one: path runs from pkg to
// the forbidden package, file holds path's first import.
type violation struct {
	pkg, forbidden string
	path           []string
	file           string
}

func (v violation) String() string {
	s := v.pkg + " imports " + v.forbidden
	if len(v.path) > 2 {
		s += " through " + strings.Join(v.path[1:len(v.path)-1], " → ")
	}
	return s + " (" + v.file + " imports " + v.path[1] + ")"
}

// under reports whether p is pkg or a package under it.
func under(p, pkg string) bool { return p == pkg || strings.HasPrefix(p, pkg+"/") }

func underAny(p string, pkgs []string) bool {
	return slices.ContainsFunc(pkgs, func(pkg string) bool { return under(p, pkg) })
}

// reach lists what pkg imports directly or not, each with the path to it.
func (g graph) reach(pkg string) map[string][]string {
	paths := map[string][]string{}
	queue := [][]string{{pkg}}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		from := path[len(path)-1]
		deps := make([]string, 0, len(g[from]))
		for d := range g[from] {
			deps = append(deps, d)
		}
		slices.Sort(deps)
		for _, d := range deps {
			if _, seen := paths[d]; seen || d == pkg {
				continue
			}
			p := append(slices.Clone(path), d)
			paths[d] = p
			queue = append(queue, p)
		}
	}
	return paths
}

// violations checks g against rules and testOnly, in package order.
func (g graph) violations(rules []rule, testOnly []string) []violation {
	var pkgs []string
	for p := range g {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	var out []violation
	for _, pkg := range pkgs {
		paths := g.reach(pkg)
		var deps []string
		for d := range paths {
			deps = append(deps, d)
		}
		slices.Sort(deps)
		forbidden := func(d string) bool {
			if !underAny(pkg, testOnly) && underAny(d, testOnly) {
				return true
			}
			for restricted, allowed := range importedOnlyBy {
				if under(d, restricted) && !under(pkg, restricted) && !underAny(pkg, allowed) {
					return true
				}
			}
			for _, r := range rules {
				if !under(pkg, r.pkg) || under(d, r.pkg) {
					continue
				}
				if r.only != nil && !underAny(d, r.only) || underAny(d, r.never) {
					return true
				}
			}
			return false
		}
		for _, d := range deps {
			if forbidden(d) {
				p := paths[d]
				out = append(out, violation{pkg: pkg, forbidden: d, path: p, file: g[pkg][p[1]]})
			}
		}
	}
	return out
}

// load parses the imports of every non-test Go file of the module at root
// whose path is modPath, skipping testdata, vendor, hidden folders and
// nested modules.
func load(t *testing.T, root, modPath string) graph {
	t.Helper()
	g := graph{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while we walked: the tree is being edited
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path == root {
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		if g[pkg] == nil {
			g[pkg] = map[string]string{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if dep, ok := strings.CutPrefix(p, modPath+"/"); ok {
				if _, seen := g[pkg][dep]; !seen {
					g[pkg][dep] = rel
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func modulePath(t *testing.T, root string) string {
	t.Helper()
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(mod)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	t.Fatal("go.mod names no module")
	return ""
}

// TestImportRules checks every non-test Go file of the module against
// rules and testOnly, and that every package under internal/ has a row.
func TestImportRules(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	g := load(t, root, modulePath(t, root))
	// The walk must have seen the tree: an edge every build has.
	if _, ok := g["internal/fetch"]["internal/archive"]; !ok {
		t.Fatalf("found no import of internal/archive by internal/fetch in %d packages: the check checks nothing", len(g))
	}
	for _, r := range rules {
		if _, ok := g[r.pkg]; !ok {
			t.Errorf("rule for %s: no such package (renamed? keep the rules and docs/architecture.md up to date)", r.pkg)
		}
	}
	for pkg := range g {
		top, _, _ := strings.Cut(strings.TrimPrefix(pkg, "internal/"), "/")
		if strings.HasPrefix(pkg, "internal/") && !underAny(pkg, testOnly) &&
			!slices.ContainsFunc(rules, func(r rule) bool { return r.pkg == "internal/"+top }) {
			t.Errorf("%s has no import rule: add its row to docs/architecture.md's table and to rules", pkg)
		}
	}
	for _, v := range g.violations(rules, testOnly) {
		t.Errorf("%s: forbidden by docs/architecture.md", v)
	}
}

// TestViolations checks the checker on a made-up module: direct and
// indirect imports against never, only and testOnly.
func TestViolations(t *testing.T) {
	g := graph{
		"cmd/pyget":                  {"internal/pipeline": "cmd/pyget/main.go", "internal/testutil": "cmd/pyget/x.go"},
		"internal/pipeline":          {"internal/store": "internal/pipeline/p.go"},
		"internal/store":             {"internal/catalog": "internal/store/s.go"},
		"internal/catalog":           {"internal/archive": "internal/catalog/c.go", "internal/platform": "internal/catalog/c.go"},
		"internal/catalog/cmd/gen":   {"internal/catalog": "internal/catalog/cmd/gen/main.go"},
		"internal/archive":           {},
		"internal/platform":          {},
		"internal/config":            {"internal/platform": "internal/config/c.go", "internal/provenance": "internal/config/f.go"},
		"internal/fsutil":            {},
		"internal/testutil":          {},
		"internal/faultserver":       {"internal/testutil": "internal/faultserver/f.go"},
		"internal/faultserver/cmd/x": {"internal/faultserver": "internal/faultserver/cmd/x/main.go"},
		"internal/attest":            {},
		"internal/provenance":        {"internal/attest": "internal/provenance/mode.go"},
		"cmd/pyget-attest":           {"internal/provenance": "cmd/pyget-attest/main.go"},
		"internal/mirror":            {"internal/attest": "internal/mirror/m.go", "internal/provenance": "internal/mirror/p.go"},
	}
	var got []string
	for _, v := range g.violations(rules, testOnly) {
		got = append(got, v.String())
	}
	want := []string{
		"cmd/pyget imports internal/testutil (cmd/pyget/x.go imports internal/testutil)",
		"internal/catalog imports internal/archive (internal/catalog/c.go imports internal/archive)",
		"internal/catalog/cmd/gen imports internal/archive through internal/catalog (internal/catalog/cmd/gen/main.go imports internal/catalog)",
		"internal/config imports internal/provenance (internal/config/f.go imports internal/provenance)",
		"internal/mirror imports internal/provenance (internal/mirror/p.go imports internal/provenance)",
		"internal/store imports internal/archive through internal/catalog (internal/store/s.go imports internal/catalog)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n got %q\nwant %q", got, want)
	}
}

// TestPygetLinksNoSigstore: pyget itself links no sigstore-go (nor anything
// of github.com/sigstore), so find and list start as fast as before
// attestations; the verifier is the pyget-attest helper.
func TestPygetLinksNoSigstore(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	deps := func(pkg string) []string {
		cmd := exec.Command(goBin, "list", "-deps", pkg)
		cmd.Dir = "../.."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	isSigstore := func(p string) bool { return strings.HasPrefix(p, "github.com/sigstore/") }
	for _, p := range deps("./cmd/pyget") {
		if isSigstore(p) {
			t.Errorf("cmd/pyget links %s: sigstore belongs in cmd/pyget-attest only (docs/architecture.md)", p)
		}
	}
	// The check must be able to see sigstore where it is.
	if !slices.ContainsFunc(deps("./cmd/pyget-attest"), isSigstore) {
		t.Error("go list -deps ./cmd/pyget-attest lists no github.com/sigstore package: the check checks nothing")
	}
}
