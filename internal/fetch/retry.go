package fetch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// retryRun is one use of the retry loop: a Get, or a transfer's attempts
// against one source.
type retryRun struct {
	// attempts is the caller's count of attempts, which the loop
	// increments; a transfer keeps one count across its mirrors.
	attempts *int
	// attempt makes one attempt. The state it builds on lives outside it,
	// so calling it again continues where the last one stopped.
	attempt func(ctx context.Context) error
	// progress grows when an attempt brought a byte never held before;
	// nil when attempts keep nothing (Get).
	progress func() int64
	// onFault records a fault that will be retried (a transfer counts it
	// and saves its sidecar) and returns the fault event's Name, URL, Done
	// and Total.
	onFault func() Event
}

// retryLoop runs r's attempts until one succeeds, classify says the failure
// is not transient, the budget is spent or ctx ends. The budget is
// Config.Retries attempts in a row without progress after a failed one;
// between attempts it emits a fault event and sleeps with exponential
// backoff and full jitter, or for the server's Retry-After.
func (f *Fetcher) retryLoop(ctx context.Context, r retryRun) error {
	noProgress := 0
	for {
		var before int64
		if r.progress != nil {
			before = r.progress()
		}
		*r.attempts++
		err := r.attempt(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if classify(err) != retry {
			return err
		}
		if r.progress != nil && r.progress() > before {
			noProgress = 0
		} else {
			noProgress++
		}
		if noProgress > f.cfg.Retries {
			attempts := "attempts"
			if noProgress == 1 {
				attempts = "attempt"
			}
			return fmt.Errorf("%d %s in a row without progress: %w", noProgress, attempts, err)
		}
		delay := f.backoff(noProgress)
		var se *HTTPStatusError
		if errors.As(err, &se) && se.RetryAfter > 0 {
			delay = se.RetryAfter
		}
		ev := r.onFault()
		ev.Kind, ev.Err, ev.Attempt = EventFault, err, *r.attempts+1
		where, next := "", "retrying"
		if ev.Done > 0 {
			where, next = " at "+HumanBytes(ev.Done), "resuming"
		}
		ev.Message = fmt.Sprintf("%s%s; %s in %v (attempt %d)", describe(err), where, next, delay.Round(time.Millisecond), ev.Attempt)
		f.emit(ev)
		if err := f.hooks.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// backoff is the full-jitter delay before retry number n (1-based) of a run
// of attempts without progress: uniform in [0, min(MaxDelay, BaseDelay·2ⁿ⁻¹)].
func (f *Fetcher) backoff(n int) time.Duration {
	d := f.cfg.MaxDelay
	if n < 1 {
		n = 1
	}
	if n <= 30 {
		if b := f.cfg.BaseDelay << (n - 1); b > 0 && b < d {
			d = b
		}
	}
	return time.Duration(f.hooks.rand(int64(d) + 1))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
