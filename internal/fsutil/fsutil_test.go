package fsutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state.json")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new content"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "new content" {
		t.Fatalf("content %q, %v", got, err)
	}
	fi, _ := os.Stat(p)
	// Windows keeps no permission bits (only read-only).
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	assertOnly(t, dir, "state.json")
}

// A failed write leaves the old content and no temp file behind.
func TestWriteFileFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	// The final name is a non-empty directory: the rename must fail.
	p := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(p, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(p, []byte("data"), 0o644)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("want an error naming %s, got %v", p, err)
	}
	assertOnly(t, dir, "target")

	missing := filepath.Join(dir, "no", "such", "dir", "f")
	if err := WriteFile(missing, []byte("x"), 0o644); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("want ErrNotExist, got %v", err)
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("dir holds %v, want %v", got, names)
	}
}

func TestLockWaitsAndTimesOut(t *testing.T) {
	p := filepath.Join(t.TempDir(), "locks", "a.lock")
	release, err := Lock(context.Background(), p, "build a", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := TryLock(p); ok {
		t.Fatal("TryLock took a held lock")
	}
	waited := 0
	_, err = Lock(context.Background(), p, "build a", 150*time.Millisecond, func() { waited++ })
	if !errors.Is(err, ErrLockTimeout) || !strings.Contains(err.Error(), "build a") {
		t.Fatalf("want ErrLockTimeout naming the build, got %v", err)
	}
	if waited != 1 {
		t.Errorf("onWait called %d times, want 1", waited)
	}

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := Lock(ctx, p, "build a", 0, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}

	// Released while another waits: the waiter gets it.
	go func() { time.Sleep(100 * time.Millisecond); release() }()
	r2, err := Lock(context.Background(), p, "build a", 5*time.Second, nil)
	if err != nil {
		t.Fatalf("waiter did not get the released lock: %v", err)
	}
	r2()
	r3, ok := TryLock(p)
	if !ok {
		t.Fatal("TryLock failed on a free lock")
	}
	r3()
}

// WriteFileFast is as atomic as WriteFile (whole content, mode, no temp
// left, old content kept on failure) and names its temp files the same way,
// so the owners' sweeps (TempPattern, IsTemp) match both.
func TestWriteFileFast(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k.json")
	for _, data := range []string{"old", "new content"} {
		if err := WriteFileFast(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "new content" {
		t.Fatalf("content %q, %v", got, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	assertOnly(t, dir, "k.json")

	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileFast(target, []byte("data"), 0o644); err == nil || !strings.Contains(err.Error(), target) {
		t.Fatalf("want an error naming %s, got %v", target, err)
	}
	assertOnly(t, dir, "k.json", "target")
}

func TestTempNames(t *testing.T) {
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, TempPattern("k.json"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	m, _ := filepath.Glob(filepath.Join(dir, TempPattern("k.json")))
	if len(m) != 1 || !IsTemp(filepath.Base(m[0])) {
		t.Fatalf("glob %v: the temp name %s is not matched", m, f.Name())
	}
	for name, want := range map[string]bool{
		".k.json.tmp-123": true, ".python3.cmd.tmp-9": true,
		"k.json": false, "k.json.tmp-1": false, ".pyget-link-1": false, ".hidden": false,
	} {
		if IsTemp(name) != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, !want, want)
		}
	}
}

// IsDiskFull knows the codes of a disk refusing writes, through wrapping,
// and nothing else.
func TestIsDiskFull(t *testing.T) {
	for _, err := range diskFullErrors() {
		wrapped := fmt.Errorf("writing x: %w", &os.PathError{Op: "write", Path: "x", Err: err})
		if !IsDiskFull(wrapped) {
			t.Errorf("IsDiskFull(%v) = false", wrapped)
		}
	}
	for _, err := range []error{nil, os.ErrPermission, os.ErrNotExist, errors.New("no space left on device")} {
		if IsDiskFull(err) {
			t.Errorf("IsDiskFull(%v) = true", err)
		}
	}
}

// TestSHA256File and TestHashingReader: the one way files and streams are
// hashed while they are read.
func TestSHA256File(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	sum, fi, err := SHA256File(p)
	if err != nil || sum != abc || fi.Size() != 3 {
		t.Fatalf("SHA256File = %s, %v, %v; want %s of 3 bytes", sum, fi, err, abc)
	}
	if _, _, err := SHA256File(filepath.Dir(p)); err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("SHA256File of a folder: %v", err)
	}
	r := NewHashingReader(strings.NewReader("abc"))
	if b, err := io.ReadAll(r); err != nil || string(b) != "abc" || r.Sum() != abc || r.N() != 3 {
		t.Errorf("HashingReader: %q, %v, %s, %d", b, err, r.Sum(), r.N())
	}
}
