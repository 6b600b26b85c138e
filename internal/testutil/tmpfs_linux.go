package testutil

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// tmpfsChildEnv marks the re-run of a test inside a user namespace.
const tmpfsChildEnv = "PYGET_TESTUTIL_TMPFS_CHILD"

// Tmpfs runs body with dir, the root of a fresh tmpfs of the given size
// (tmpfs's own syntax: "1m", "6m"), so that writes past it really fail with
// ENOSPC. The filesystem goes when the test ends.
//
// As root it mounts the tmpfs directly and unmounts it in t.Cleanup.
// Otherwise (or where root may not mount) it runs this one test again in a
// new user and mount namespace, where it is root and may mount, and that
// run's verdict is this test's. It skips only when neither is possible.
func Tmpfs(t *testing.T, size string, body func(dir string)) {
	t.Helper()
	var mountErr error
	if os.Geteuid() == 0 {
		dir := t.TempDir()
		mountErr = syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0755")
		if mountErr == nil {
			// Detach: a file some goroutine still holds open must not make
			// the unmount fail and leave a mount behind.
			t.Cleanup(func() {
				if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
					t.Errorf("unmounting the tmpfs at %s: %v", dir, err)
				}
			})
			body(dir)
			return
		}
		mountErr = &os.PathError{Op: "mount tmpfs", Path: dir, Err: mountErr}
	} else {
		mountErr = errors.New("not root")
	}
	if os.Getenv(tmpfsChildEnv) != "" {
		// Some systems let users make a namespace but not mount in it
		// (AppArmor's restriction on Ubuntu): nothing to test on here.
		t.Skipf("root in a user namespace, but cannot mount a tmpfs: %v", mountErr)
	}
	cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), tmpfsChildEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err != nil && !errors.As(err, &ee):
		t.Skipf("cannot make a small full filesystem for this test: no tmpfs (%v) and no user namespace to mount one in (%v)", mountErr, err)
	case err != nil:
		t.Fatalf("the test, run again in a user namespace to mount a tmpfs (%v), failed: %v\n%s", mountErr, err, out)
	case strings.Contains(string(out), "--- SKIP: "+t.Name()+" "):
		t.Skipf("skipped in a user namespace:\n%s", out)
	case !strings.Contains(string(out), "--- PASS: "+t.Name()+" "):
		t.Fatalf("the test, run again in a user namespace, did not run:\n%s", out)
	}
	t.Logf("ran in a user namespace to mount a tmpfs (%v)", mountErr)
}

// runPattern is a -test.run pattern matching exactly the test (or subtest)
// named name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
