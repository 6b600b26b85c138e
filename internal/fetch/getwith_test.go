package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestGetWithTightensOneCall: a per-call budget caps the retries (never
// raising them) and takes the call's events, on the same Fetcher.
func TestGetWithTightensOneCall(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var configEvents atomic.Int64
	f, err := New(Config{CacheDir: t.TempDir(), Retries: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond,
		OnEvent: func(Event) { configEvents.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	var callEvents atomic.Int64
	_, _, _, err = f.GetWith(context.Background(), srv.URL+"/catalog.json", "", GetOptions{MaxRetries: 1, IdleTimeout: time.Second,
		OnEvent: func(e Event) {
			if e.Kind == EventFault {
				callEvents.Add(1)
			}
		}})
	if err == nil || hits.Load() != 2 || callEvents.Load() != 1 || configEvents.Load() != 0 {
		t.Errorf("GetWith(MaxRetries 1) against a 503: %v after %d requests, %d call events, %d Config events; want an error after 2 requests, 1 call event, none to Config",
			err, hits.Load(), callEvents.Load(), configEvents.Load())
	}

	hits.Store(0)
	f0, err := New(Config{CacheDir: t.TempDir(), Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f0.GetWith(context.Background(), srv.URL+"/catalog.json", "", GetOptions{MaxRetries: 1}); err == nil || hits.Load() != 1 {
		t.Errorf("GetWith(MaxRetries 1) with Retries 0: %v after %d requests; want one request (a cap never raises)", err, hits.Load())
	}
	if f.cfg.Retries != 5 || f.cfg.OnEvent == nil {
		t.Error("GetWith changed the Fetcher's own Config")
	}
}
