package store

import (
	"context"
	"errors"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

// TestLinkWaitEndsWithContext: Link waits for the links lock under its
// context, so Ctrl-C (a cancelled context) ends a wait on another pyget.
func TestLinkWaitEndsWithContext(t *testing.T) {
	l := Layout{InstallDir: t.TempDir(), BinDir: t.TempDir()}
	release, err := l.lockLinks(context.Background()) // another pyget linking
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		inst := Installation{Record: Record{Entry: catalog.Entry{Key: "cpython-3.14.6-linux-x86_64-gnu"}}}
		_, err := l.Link(ctx, inst, LinkOptions{})
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Link while the links lock is held, cancelled: %v; want context.Canceled", err)
	}
}
