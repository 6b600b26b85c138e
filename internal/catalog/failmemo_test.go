package catalog

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// nextRun is the loader of a later pyget run: the same cache and clock,
// nothing remembered in memory.
func (e *env) nextRun() {
	old := e.l
	e.l = &Loader{Source: old.Source, CacheDir: old.CacheDir, Get: old.Get, Warn: old.Warn, Now: old.Now}
	e.warnings, e.notices = nil, nil
}

// TestFailedFetchRemembered: a failed fetch with a cached copy to fall back
// to is remembered for FailureMemory: later runs use the copy without
// asking the host or repeating the warning, Refresh included; after it,
// the host is asked again, and an answer clears the note.
func TestFailedFetchRemembered(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(4)})
	e.load()
	e.now = e.now.Add(48 * time.Hour)
	failedAt := e.now
	e.get.script(fakeResp{err: errors.New("i/o timeout")})
	e.nextRun()
	e.load()
	if len(e.notices) != 1 || len(e.cacheFiles(".failed")) != 1 {
		t.Fatalf("first failure: notices %q, notes %v", e.notices, e.cacheFiles(".failed"))
	}
	calls := len(e.get.calls)

	for i := range 10 {
		e.now = failedAt.Add(time.Duration(i+1) * 5 * time.Minute)
		e.nextRun()
		c := e.load()
		if !reflect.DeepEqual(patches(c), []int{4}) || c.From != FromCache {
			t.Fatalf("run %d: %v from %v, want the cached copy", i, patches(c), c.From)
		}
		var recent *RecentFailureError
		if !errors.As(c.RefreshErr, &recent) || !recent.At.Equal(failedAt) || recent.Cause != "i/o timeout" {
			t.Fatalf("run %d: RefreshErr %v, want the remembered failure", i, c.RefreshErr)
		}
		if _, err := e.l.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(e.notices) != 0 || len(e.warnings) == 0 {
			t.Fatalf("run %d: notices %q, warnings %q: want detail only", i, e.notices, e.warnings)
		}
	}
	if len(e.get.calls) != calls {
		t.Fatalf("%d requests within the hour after the failure", len(e.get.calls)-calls)
	}

	// An hour on, the host is asked again; its answer clears the note.
	e.now = failedAt.Add(FailureMemory)
	e.nextRun()
	e.get.script(fakeResp{body: catalogJSON(4, 5)})
	if c := e.load(); !reflect.DeepEqual(patches(c), []int{4, 5}) || c.RefreshErr != nil {
		t.Fatalf("after the hour: %v, %v", patches(c), c.RefreshErr)
	}
	if len(e.get.calls) != calls+1 || len(e.cacheFiles(".failed")) != 0 {
		t.Fatalf("after the hour: %d calls, notes %v", len(e.get.calls)-calls, e.cacheFiles(".failed"))
	}
}

// TestFailedFetchWithoutFallbackNotRemembered: with nothing to fall back
// to, a failure is an error, and the next run must ask again.
func TestFailedFetchWithoutFallbackNotRemembered(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{err: errors.New("refused")})
	if _, err := e.l.Load(context.Background()); err == nil {
		t.Fatal("no error without a fallback")
	}
	e.nextRun()
	e.get.script(fakeResp{body: catalogJSON(4)})
	e.load()
	e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL, ""})
}
