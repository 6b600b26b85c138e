package testutil

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// testOnly are the module's packages (and those under them) that exist
// only for tests and so may depend on testutil.
var testOnly = []string{"internal/testutil", "internal/faultserver"}

// TestNotImportedByProduction fails if any package of the module built for
// linux, darwin or windows, other than the test-only ones, depends on
// testutil, directly or through another package: its builders and its
// throwaway CA have no place in a shipped binary. go list leaves out
// _test.go files, which may import it.
func TestNotImportedByProduction(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed to list the module's packages: %v", err)
	}
	mod, err := exec.Command(goBin, "list", "-m", "-f", "{{.Path}}\n{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	modPath, root, _ := strings.Cut(strings.TrimSpace(string(mod)), "\n")
	self := modPath + "/internal/testutil"
	allowed := func(pkg string) bool {
		for _, p := range testOnly {
			if p = modPath + "/" + p; pkg == p || strings.HasPrefix(pkg, p+"/") {
				return true
			}
		}
		return false
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command(goBin, "list", "-e", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./...")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS="+goos)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=%s go list: %v", goos, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) < 5 {
			t.Fatalf("GOOS=%s go list: only %d packages:\n%s", goos, len(lines), out)
		}
		seen := false
		for _, line := range lines {
			fields := strings.Fields(line)
			pkg, deps := fields[0], fields[1:]
			seen = seen || pkg == self
			if allowed(pkg) {
				continue
			}
			for _, d := range deps {
				if d == self || strings.HasPrefix(d, self+"/") {
					t.Errorf("GOOS=%s: %s depends on %s, which is for tests only", goos, pkg, d)
				}
			}
		}
		if !seen {
			t.Fatalf("GOOS=%s go list did not list %s: the check checks nothing", goos, self)
		}
	}
}
