package main

import (
	"bytes"
	"testing"

	"github.com/pyget/pyget/internal/fetch"
)

// TestProgressCountsThePrefix: with segments, the bar counts the contiguous
// prefix (what the extractor can read) and notes the bytes on disk past it
// separately, so that it does not sit near 100% while the extractor waits
// for the front of the file.
func TestProgressCountsThePrefix(t *testing.T) {
	var out bytes.Buffer
	a := &app{stderr: &out}
	ui := &progressUI{a: a, bars: map[string]*download{}, p: newBars(a)}
	defer ui.stop()

	const mib = 1 << 20
	ui.event(fetch.Event{Kind: fetch.EventStart, Name: "cpython-x", Total: 100 * mib})
	ui.event(fetch.Event{Kind: fetch.EventProgress, Name: "cpython-x", Done: 30 * mib, Prefix: 10 * mib, Total: 100 * mib})
	d := ui.existing("cpython-x")
	if d == nil {
		t.Fatal("no bar for the download")
	}
	if got := d.bar.Current(); got != 10*mib {
		t.Errorf("the bar counts %d bytes, want the prefix's %d", got, 10*mib)
	}
	if got, want := d.aheadText(), " +20.0 MiB ahead"; got != want {
		t.Errorf("ahead note %q, want %q", got, want)
	}

	// The prefix caught up: no note.
	ui.event(fetch.Event{Kind: fetch.EventProgress, Name: "cpython-x", Done: 40 * mib, Prefix: 40 * mib, Total: 100 * mib})
	if got := d.bar.Current(); got != 40*mib {
		t.Errorf("the bar counts %d bytes, want %d", got, 40*mib)
	}
	if got := d.aheadText(); got != "" {
		t.Errorf("ahead note %q once the prefix caught up, want none", got)
	}
}
