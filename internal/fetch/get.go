package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// maxGetSize bounds Get's in-memory body: the catalog is a few MiB.
const maxGetSize = 256 << 20

// Get fetches a small resource (the catalog) with the same retry rules and no
// mirrors. etag, when set, is sent as If-None-Match; notModified reports a 304.
// file:// URLs and plain paths are read from disk.
func (f *Fetcher) Get(ctx context.Context, rawURL, etag string) (body []byte, newETag string, notModified bool, err error) {
	if !strings.HasPrefix(rawURL, "http://") && !strings.HasPrefix(rawURL, "https://") {
		p := rawURL
		if strings.HasPrefix(rawURL, "file:") {
			if p, err = fileURLPath(rawURL); err != nil {
				return nil, "", false, fmt.Errorf("get %s: %w", rawURL, err)
			}
		} else if strings.Contains(rawURL, "://") {
			return nil, "", false, fmt.Errorf("get %s: unsupported URL scheme (want http, https, file or a path)", rawURL)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, "", false, fmt.Errorf("get: %w", err)
		}
		return data, "", false, nil
	}
	if err := checkBaseURL(rawURL); err != nil {
		return nil, "", false, fmt.Errorf("get %s: %w", rawURL, err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Deadline)
	defer cancel()
	for attempt := 1; ; attempt++ {
		body, newETag, notModified, err = f.getOnce(ctx, rawURL, etag)
		if err == nil {
			return body, newETag, notModified, nil
		}
		if ctx.Err() != nil {
			return nil, "", false, fmt.Errorf("get %s: %w", rawURL, ctx.Err())
		}
		if IsPermanent(err) {
			return nil, "", false, err
		}
		// Every attempt of Get that fails brings nothing usable: they all
		// count against the budget.
		if attempt > f.cfg.Retries {
			return nil, "", false, fmt.Errorf("%d attempts failed: %w", attempt, err)
		}
		delay := f.backoff(attempt)
		var se *HTTPStatusError
		if errors.As(err, &se) && se.RetryAfter > 0 {
			delay = se.RetryAfter
		}
		f.emit(Event{Kind: EventFault, Name: rawURL, URL: rawURL, Attempt: attempt + 1, Err: err,
			Message: fmt.Sprintf("%s; retrying in %v (attempt %d)", describe(err), delay.Round(time.Millisecond), attempt+1)})
		if err := f.hooks.sleep(ctx, delay); err != nil {
			return nil, "", false, fmt.Errorf("get %s: %w", rawURL, err)
		}
	}
}

func (f *Fetcher) getOnce(ctx context.Context, u, etag string) ([]byte, string, bool, error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := f.cfg.IdleTimeout
	timer := time.AfterFunc(idle, func() { cancel(&idleError{idle}) })
	defer timer.Stop()

	body, newETag, nm, err := func() ([]byte, string, bool, error) {
		req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
		if err != nil {
			return nil, "", false, err
		}
		for k, v := range f.cfg.Header {
			req.Header[k] = append([]string(nil), v...)
		}
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", "pyget")
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := f.client.Do(req)
		if err != nil {
			return nil, "", false, err
		}
		defer resp.Body.Close()
		timer.Reset(idle)
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusNotModified:
			tag := resp.Header.Get("ETag")
			if tag == "" {
				tag = etag
			}
			return nil, tag, true, nil
		default:
			return nil, "", false, &HTTPStatusError{URL: u, Code: resp.StatusCode,
				RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), f.hooks.now())}
		}
		var buf bytes.Buffer
		if resp.ContentLength > 0 && resp.ContentLength <= maxGetSize {
			buf.Grow(int(resp.ContentLength))
		}
		chunk := make([]byte, 64<<10)
		for {
			n, err := resp.Body.Read(chunk)
			if n > 0 {
				timer.Reset(idle)
				buf.Write(chunk[:n])
				if buf.Len() > maxGetSize {
					return nil, "", false, fmt.Errorf("GET %s: body larger than %s", u, humanBytes(maxGetSize))
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, "", false, err
			}
		}
		if resp.ContentLength >= 0 && int64(buf.Len()) != resp.ContentLength {
			return nil, "", false, &shortBodyError{URL: u, Got: int64(buf.Len()), Want: resp.ContentLength}
		}
		return buf.Bytes(), resp.Header.Get("ETag"), false, nil
	}()
	if err != nil && ctx.Err() == nil {
		var ie *idleError
		if cause := context.Cause(actx); errors.As(cause, &ie) {
			return nil, "", false, fmt.Errorf("GET %s: %w", u, ie)
		}
	}
	return body, newETag, nm, err
}
