package fetch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// maxGetSize bounds Get's in-memory body: the catalog is a few MiB.
const maxGetSize = 256 << 20

// Get fetches a small resource (the catalog) with the same retry loop as a
// transfer and no mirrors; every failed attempt counts against the budget,
// since a partial body is not kept. etag, when set, is sent as
// If-None-Match; notModified reports a 304. file:// URLs and plain paths are
// read from disk.
func (f *Fetcher) Get(ctx context.Context, rawURL, etag string) (body []byte, newETag string, notModified bool, err error) {
	if !strings.HasPrefix(rawURL, "http://") && !strings.HasPrefix(rawURL, "https://") {
		p := rawURL
		if strings.HasPrefix(rawURL, "file:") {
			if p, err = FileURLPath(rawURL); err != nil {
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
	attempts := 0
	err = f.retryLoop(ctx, retryRun{
		attempts: &attempts,
		attempt: func(ctx context.Context) (err error) {
			body, newETag, notModified, err = f.getOnce(ctx, rawURL, etag)
			return err
		},
		onFault: func() Event { return Event{Name: rawURL, URL: rawURL} },
	})
	switch {
	case ctx.Err() != nil:
		return nil, "", false, fmt.Errorf("get %s: %w", rawURL, ctx.Err())
	case err != nil:
		return nil, "", false, err
	}
	return body, newETag, notModified, nil
}

func (f *Fetcher) getOnce(ctx context.Context, u, etag string) (body []byte, newETag string, notModified bool, err error) {
	extra := http.Header{}
	if etag != "" {
		extra.Set("If-None-Match", etag)
	}
	err = f.do(ctx, u, extra, func(resp *http.Response, tick func()) error {
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusNotModified:
			newETag, notModified = resp.Header.Get("ETag"), true
			if newETag == "" {
				newETag = etag
			}
			return nil
		default:
			return f.statusError(u, resp)
		}
		var buf bytes.Buffer
		if resp.ContentLength > 0 && resp.ContentLength <= maxGetSize {
			buf.Grow(int(resp.ContentLength))
		}
		chunk := make([]byte, 64<<10)
		for {
			n, err := resp.Body.Read(chunk)
			if n > 0 {
				tick()
				buf.Write(chunk[:n])
				if buf.Len() > maxGetSize {
					return fmt.Errorf("GET %s: body larger than %s", u, HumanBytes(maxGetSize))
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		if resp.ContentLength >= 0 && int64(buf.Len()) != resp.ContentLength {
			return &shortBodyError{URL: u, Got: int64(buf.Len()), Want: resp.ContentLength}
		}
		body, newETag = buf.Bytes(), resp.Header.Get("ETag")
		return nil
	})
	if err != nil {
		return nil, "", false, err
	}
	return body, newETag, notModified, nil
}
