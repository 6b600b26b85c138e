package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/pyget/pyget/internal/fetch"
)

// progressUI shows one bar per download on a terminal; elsewhere it prints
// recovered faults under -v only.
type progressUI struct {
	a        *app
	p        *mpb.Progress // nil when bars are off
	mu       sync.Mutex
	bars     map[string]*download
	stopOnce sync.Once
}

type download struct {
	bar    *mpb.Bar
	faults atomic.Int64
	// ahead is the bytes on disk past the contiguous prefix (segments):
	// the bar counts the prefix, which is what the extractor can read, so
	// that it does not sit near 100% while the extractor catches up.
	ahead atomic.Int64
}

// aheadText is the bar's note of the bytes on disk past the prefix.
func (d *download) aheadText() string {
	if n := d.ahead.Load(); n > 0 {
		return " +" + fetch.HumanBytes(n) + " ahead"
	}
	return ""
}

func newProgressUI(a *app) *progressUI {
	ui := &progressUI{a: a, bars: map[string]*download{}}
	if a.progressEnabled() {
		ui.p = newBars(a)
	}
	return ui
}

func newBars(a *app) *mpb.Progress {
	return mpb.New(mpb.WithOutput(a.stderr), mpb.WithWidth(32), mpb.WithRefreshRate(120*time.Millisecond), mpb.WithAutoRefresh())
}

// println prints a line above the bars (or plainly without them).
func (ui *progressUI) println(s string) {
	if ui.a.quiet {
		return
	}
	if ui.p != nil {
		fmt.Fprintln(ui.p, s)
		return
	}
	fmt.Fprintln(ui.a.stderr, s)
}

func (ui *progressUI) event(e fetch.Event) {
	switch e.Kind {
	case fetch.EventFault, fetch.EventMirror:
		msg := e.Message
		if msg == "" && e.Err != nil {
			msg = e.Err.Error()
		}
		if d := ui.existing(e.Name); d != nil && e.Kind == fetch.EventFault {
			d.faults.Add(1)
		}
		if ui.a.verbose {
			ui.println(fmt.Sprintf("%s: %s", e.Name, msg))
		}
	case fetch.EventStart, fetch.EventProgress:
		if d := ui.get(e); d != nil {
			if e.Total > 0 {
				d.bar.SetTotal(e.Total, false)
			}
			d.bar.SetCurrent(e.Prefix)
			d.ahead.Store(max(0, e.Done-e.Prefix))
		}
	case fetch.EventDone:
		if d := ui.get(e); d != nil {
			d.bar.SetTotal(e.Done, true)
		}
	}
}

// existing returns the bar of a download that has started, if any; faults
// of other transfers (the catalog's) get no bar of their own.
func (ui *progressUI) existing(name string) *download {
	ui.mu.Lock()
	defer ui.mu.Unlock()
	return ui.bars[name]
}

func (ui *progressUI) get(e fetch.Event) *download {
	if ui.p == nil {
		return nil
	}
	ui.mu.Lock()
	defer ui.mu.Unlock()
	if d, ok := ui.bars[e.Name]; ok {
		return d
	}
	d := &download{}
	d.bar = ui.p.AddBar(e.Total,
		mpb.PrependDecorators(
			decor.Name(e.Name, decor.WCSyncSpaceR),
			decor.Counters(decor.SizeB1024(0), "% .1f / % .1f", decor.WCSyncSpace),
		),
		mpb.AppendDecorators(
			decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), "done"),
			decor.Any(func(decor.Statistics) string { return d.aheadText() }),
			decor.Any(func(decor.Statistics) string {
				if n := d.faults.Load(); n > 0 {
					return fmt.Sprintf(" recovered %d %s", n, plural(int(n), "fault", "faults"))
				}
				return ""
			}),
		),
		mpb.BarRemoveOnComplete(),
	)
	ui.bars[e.Name] = d
	return d
}

func (ui *progressUI) stop() {
	ui.stopOnce.Do(func() {
		a := ui.a
		a.setEventHandler(nil)
		if ui.p == nil {
			return
		}
		ui.mu.Lock()
		for _, d := range ui.bars {
			if !d.bar.Completed() {
				d.bar.Abort(true)
			}
		}
		ui.mu.Unlock()
		ui.p.Wait()
	})
}

func roundDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}
