package pyfix

import (
	"context"
	"os"
	"sync/atomic"
)

// pauseEnv is a test hook, not a setting (so package config does not read
// it): when it names a file, Apply creates that file after rewriting the
// first file of a tree and then waits until its context ends, so that an
// end-to-end test can kill pyget in the middle of the rewrite
// (e2e/fixes_test.go). Nothing else reads it.
const pauseEnv = "PYGET_TEST_PAUSE_IN_FIX"

// paused makes the hook pause once per process.
var paused atomic.Bool

func pauseForTest(ctx context.Context) error {
	path := os.Getenv(pauseEnv)
	if path == "" || !paused.CompareAndSwap(false, true) {
		return nil
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}
