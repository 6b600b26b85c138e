package pyfix

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// maxBytecodeWarnings bounds the modules named one by one among the
// warnings; the rest are counted.
const maxBytecodeWarnings = 5

// compileBytecode runs the tree's interpreter on compileall over the
// standard library, in parallel (-j 0: one process per core), isolated from
// the user's PYTHON* variables and site (-I). The staged folder is the
// working directory and the install's stdlib folder is what the bytecode
// names as its source (-d), so the files are the same whatever the staging
// folder was called. Tests that are meant not to compile are left out, as
// CPython's own `make install` leaves them. A module that does not compile
// is a warning; so is an interpreter that cannot run here.
func compileBytecode(ctx context.Context, dir, prefix, stdlib string, b Build, r *Report) error {
	if b.Implementation != "cpython" {
		r.Warnings = append(r.Warnings, fmt.Sprintf("bytecode not compiled: only CPython builds are compiled, this is %s", b.Implementation))
		return nil
	}
	if b.OS != runtime.GOOS {
		r.Warnings = append(r.Warnings, fmt.Sprintf("bytecode not compiled: a build for %s does not run on %s", b.OS, runtime.GOOS))
		return nil
	}
	exe := filepath.Join(dir, "bin", fmt.Sprintf("python%d.%d", b.Major, b.Minor))
	if b.Freethreaded {
		exe += "t"
	}
	if b.OS == "windows" {
		exe = filepath.Join(dir, "python.exe")
	}
	if b.Interpreter != "" {
		exe = filepath.Join(dir, filepath.FromSlash(b.Interpreter))
	}
	stagedStdlib := filepath.Join(dir, filepath.FromSlash(stdlib))
	final := filepath.Join(prefix, filepath.FromSlash(stdlib))
	cmd := exec.CommandContext(ctx, exe, "-I", "-m", "compileall", "-q", "-j", "0",
		"-d", final, "-x", `bad_coding|badsyntax|site-packages`, ".")
	cmd.Dir = stagedStdlib
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var failures []string
	for _, line := range strings.Split(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "*** Error compiling "); ok {
			failures = append(failures, strings.Trim(strings.TrimSuffix(strings.TrimSpace(rest), "..."), `'"`))
		}
	}
	if err != nil && len(failures) == 0 {
		// Not one module's failure: the interpreter itself did not run.
		msg := strings.TrimSpace(out.String())
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("bytecode not compiled: %s: %v %s", filepath.Base(exe), err, msg))
		return nil
	}
	r.Bytecode = stdlib
	r.BytecodeFailures = len(failures)
	for i, f := range failures {
		if i == maxBytecodeWarnings {
			r.Warnings = append(r.Warnings, fmt.Sprintf("bytecode: %d more modules did not compile", len(failures)-i))
			break
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("bytecode: %s did not compile (it runs from source)", filepath.ToSlash(filepath.Join(stdlib, f))))
	}
	return nil
}
