package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLockTimeout(t *testing.T) {
	l := testLayout(t)
	key := cpy(6, "").Key
	release, err := l.Lock(context.Background(), key, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var waits atomic.Int32
	_, err = l.Lock(context.Background(), key, 150*time.Millisecond, func() { waits.Add(1) })
	if !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("got %v, want ErrLockTimeout", err)
	}
	lockFile := filepath.Join(l.InstallDir, ".locks", key+".lock")
	if !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), lockFile) {
		t.Errorf("error %q does not name the key and %s", err, lockFile)
	}
	if n := waits.Load(); n != 1 {
		t.Errorf("onWait called %d times, want 1", n)
	}
	// Another key is not blocked, and does not call onWait.
	r2, err := l.Lock(context.Background(), cpy(7, "").Key, 150*time.Millisecond, func() { t.Error("onWait for a free lock") })
	if err != nil {
		t.Fatal(err)
	}
	r2()
}

func TestLockWaitsForRelease(t *testing.T) {
	l := testLayout(t)
	key := cpy(6, "").Key
	release, err := l.Lock(context.Background(), key, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var waits atomic.Int32
	var released atomic.Bool
	done := make(chan error)
	go func() {
		r, err := l.Lock(context.Background(), key, 0, func() { waits.Add(1) })
		if err == nil {
			if !released.Load() {
				err = errors.New("second locker got the lock while the first held it")
			}
			r()
		}
		done <- err
	}()
	// Release only once the second locker is waiting (onWait was called).
	for deadline := time.Now().Add(time.Minute); waits.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second locker never waited")
		}
	}
	time.Sleep(20 * time.Millisecond) // it may still be polling: it must keep waiting
	released.Store(true)
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := waits.Load(); n != 1 {
		t.Errorf("onWait called %d times, want 1", n)
	}
}

func TestLockContextCancel(t *testing.T) {
	l := testLayout(t)
	key := cpy(6, "").Key
	release, err := l.Lock(context.Background(), key, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = l.Lock(ctx, key, 0, nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrLockTimeout) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestLockSweepsOnlyItsKey(t *testing.T) {
	l := testLayout(t)
	e := cpy(6, "")
	installOne(t, l, e, nil)
	mk := func(name string) {
		writeFile(t, filepath.Join(l.InstallDir, name, "bin", "python3.14"), "x", 0o755)
	}
	stale := []string{".tmp-" + e.Key + "-123", ".old-" + e.Key + "-456", ".prev-" + e.Key + "-789"}
	kept := []string{
		".tmp-" + cpy(7, "").Key + "-1", // another key: its owner may be alive
		".tmp-" + e.Key + "-x1",         // not a name pyget makes
		".tmp-" + e.Key + "-extra-1",    // key "<key>-extra" would own it
		".old-" + cpy(7, "").Key + "-2", // another key
		".tmp-" + e.Key + "gnu-1",       // a different key with our key as prefix
	}
	for _, n := range append(slices.Clone(stale), kept...) {
		mk(n)
	}
	release, err := l.Lock(context.Background(), e.Key, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	release()
	got := hidden(t, l.InstallDir)
	slices.Sort(kept)
	if !slices.Equal(got, kept) {
		t.Errorf("after sweep: %v, want %v", got, kept)
	}
	if _, ok, _ := l.Find(e.Key); !ok {
		t.Error("sweep damaged the install")
	}
}

// TestLockRestoresInterruptedSwap: a crash between the two renames of a
// non-atomic swap leaves the final name missing and the old tree aside; the
// next lock of the key puts it back.
func TestLockRestoresInterruptedSwap(t *testing.T) {
	l := testLayout(t)
	e := cpy(6, "")
	inst := installOne(t, l, e, nil)
	aside := filepath.Join(l.InstallDir, ".prev-"+e.Key+"-42")
	if err := os.Rename(inst.Dir, aside); err != nil {
		t.Fatal(err)
	}
	mk := filepath.Join(l.InstallDir, ".tmp-"+e.Key+"-43")
	copyTree(t, aside, mk) // the staged new tree, complete but never committed
	if _, ok, _ := l.Find(e.Key); ok {
		t.Fatal("setup: still installed")
	}
	release, err := l.Lock(context.Background(), e.Key, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	release()
	got, ok, err := l.Find(e.Key)
	if err != nil || !ok || !got.InstalledAt.Equal(inst.InstalledAt) {
		t.Errorf("not restored: %+v %v %v", got, ok, err)
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("leftovers: %v", h)
	}
}
