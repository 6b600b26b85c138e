// Package trampoline makes and runs the executables pyget puts into its bin
// dir on Windows where symlinks cannot be made: a copy of a template
// executable (cmd/pyget-shim) with a trailer naming the interpreter to run.
// Windows ignores bytes after a PE image's last section, so the copy still
// runs; started, it finds the trailer in its own file and runs the target
// with its own command line, as uv's trampoline does. A real .exe, unlike a
// .cmd shim, passes arguments without cmd.exe's parsing (&, |, %VAR%, ^),
// lets Ctrl-C reach the interpreter without "Terminate batch job?", and is
// what `where python` and tools that want an .exe find.
//
// The trailer, at the very end of the file:
//
//	target path (UTF-8) | uint32 little-endian length of it | "PYGETTRM"
//
// This package imports the standard library and x/sys only: it is linked
// into pyget-shim, which starts on every python command.
package trampoline

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Magic ends every trampoline.
const Magic = "PYGETTRM"

// maxTarget bounds the target path a trailer may claim: Windows paths are
// at most 32767 UTF-16 units, at most 3 bytes each in UTF-8.
const maxTarget = 3 * 32767

const trailerFixed = 4 + len(Magic)

// TempPrefix starts the name of a trampoline being written (and of one
// moved aside because it was running) in the destination's directory: the
// caller's sweep removes such files a kill or a running process left.
const TempPrefix = ".pyget-trampoline-"

// ErrBadTarget is returned by Write for a target no trailer can carry.
var ErrBadTarget = errors.New("invalid trampoline target")

// Trailer is what Write appends to the template for target.
func Trailer(target string) []byte {
	b := make([]byte, 0, len(target)+trailerFixed)
	b = append(b, target...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(target)))
	return append(b, Magic...)
}

// Write makes path a trampoline to target: a copy of template with the
// trailer appended, written to a temp file beside path and renamed over
// it, so path is never half written. On Windows a running trampoline at
// path cannot be replaced but can be renamed: it is moved aside to a
// TempPrefix name, which the caller's sweep deletes once it has exited. A
// template that is itself a trampoline is refused (the copy would carry two
// trailers), so is a target that is not an absolute path.
func Write(template, target, path string) error {
	if !filepath.IsAbs(target) || len(target) > maxTarget || strings.ContainsRune(target, 0) {
		return fmt.Errorf("%w: %q", ErrBadTarget, target)
	}
	src, err := os.Open(template)
	if err != nil {
		return fmt.Errorf("trampoline template: %w", err)
	}
	defer src.Close()
	if _, ok, err := readTrailer(src); err != nil {
		return fmt.Errorf("trampoline template %s: %w", template, err)
	} else if ok {
		return fmt.Errorf("trampoline template %s is itself a trampoline", template)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("trampoline template %s: %w", template, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, src); err != nil {
		return fmt.Errorf("writing %s: copying %s: %w", path, template, err)
	}
	if _, err := tmp.Write(Trailer(target)); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := replace(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	done = true
	return nil
}

// Target reads the trailer of the file at path: its target, and whether it
// has one (false, with no error, for any other file, missing included).
func Target(path string) (string, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	t, ok, err := readTrailer(f)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", path, err)
	}
	return t, ok, nil
}

// ParseTrailer is readTrailer on a file's contents in memory (fuzzing and
// tests).
func ParseTrailer(b []byte) (string, bool, error) {
	return readTrailer(bytes.NewReader(b))
}

// errCorrupt: the magic is there but the length does not fit the file.
var errCorrupt = errors.New("corrupt trampoline trailer")

func readTrailer(r io.ReadSeeker) (string, bool, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return "", false, err
	}
	if size < int64(trailerFixed) {
		return "", false, nil
	}
	var fixed [trailerFixed]byte
	if _, err := r.Seek(size-int64(trailerFixed), io.SeekStart); err != nil {
		return "", false, err
	}
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return "", false, err
	}
	if string(fixed[4:]) != Magic {
		return "", false, nil
	}
	n := int64(binary.LittleEndian.Uint32(fixed[:4]))
	if n == 0 || n > maxTarget || n > size-int64(trailerFixed) {
		return "", false, errCorrupt
	}
	if _, err := r.Seek(size-int64(trailerFixed)-n, io.SeekStart); err != nil {
		return "", false, err
	}
	target := make([]byte, n)
	if _, err := io.ReadFull(r, target); err != nil {
		return "", false, err
	}
	if bytes.IndexByte(target, 0) >= 0 {
		return "", false, errCorrupt
	}
	return string(target), true, nil
}

// Run makes the running program act as the trampoline it is: when its own
// file carries a trailer, it runs the target with the same arguments and
// exits with the target's exit code (it never returns then). It returns
// false when the running file has no trailer (the template itself, or any
// other program).
func Run() bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	target, ok, err := Target(exe)
	if err != nil || !ok {
		if err != nil {
			// A trailer that does not parse: say so rather than run as
			// something else.
			fmt.Fprintf(os.Stderr, "pyget: %v; run pyget install again to rewrite it\n", err)
			os.Exit(ExitCannotStart)
		}
		return false
	}
	os.Exit(run(exe, target))
	return true
}

// ExitCannotStart is the exit code of a trampoline whose target cannot be
// started (uninstalled, moved, not an executable).
const ExitCannotStart = 101

func cannotStart(exe, target string, err error) int {
	name := filepath.Base(exe)
	fmt.Fprintf(os.Stderr, "pyget: %s points at %s, which cannot be started: %v; run `pyget install` for this version again (or `pyget uninstall` it) to repair %s\n",
		name, target, err, name)
	return ExitCannotStart
}

// asideName is a fresh name beside path for a running trampoline moved out
// of the way.
func asideName(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"old-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	f.Close()
	// Only the name was wanted; the rename needs it free.
	return name, os.Remove(name)
}

// TemplateName is the template's file name on Windows.
const TemplateName = "pyget-shim.exe"

// ErrNoTemplate is returned by Locate when pyget-shim.exe is neither beside
// the running executable nor on PATH.
var ErrNoTemplate = errors.New(TemplateName + " not found beside pyget or on PATH")

// Locate finds the template: beside the running executable first (a release
// and `make build` put pyget-shim.exe beside pyget.exe), then on PATH.
func Locate() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), TemplateName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(TemplateName); err == nil {
		return filepath.Abs(p)
	}
	return "", ErrNoTemplate
}

// inheritStdio gives the target this process's standard handles, those it
// has: one started without a console may lack some (os.Stdin is then a nil
// *os.File, which must not reach exec as a non-nil io.Reader).
func inheritStdio(cmd *exec.Cmd) {
	if os.Stdin != nil {
		cmd.Stdin = os.Stdin
	}
	if os.Stdout != nil {
		cmd.Stdout = os.Stdout
	}
	if os.Stderr != nil {
		cmd.Stderr = os.Stderr
	}
}
