package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A small document rides the transfers' retry loop: transient statuses are
// retried, Retry-After respected, the answer returned once it comes.
func TestGetSmallRetriesTransient(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	f, sleeps, events := newTestFetcher(t, Config{})
	resp, err := f.GetSmall(context.Background(), SmallRequest{URL: srv.URL + "/doc"})
	if err != nil || string(resp.Body) != `{"ok":true}` || resp.StatusCode != 200 {
		t.Fatalf("GetSmall: %+v, %v", resp, err)
	}
	if n.Load() != 3 || len(sleeps.get()) != 2 || len(events.kinds(EventFault)) != 2 {
		t.Errorf("%d requests, %d sleeps, %d fault events; want 3, 2, 2", n.Load(), len(sleeps.get()), len(events.kinds(EventFault)))
	}
}

// The budget is Config.Retries: past it the last status is the error.
func TestGetSmallBudget(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	f, _, _ := newTestFetcher(t, Config{Retries: 2})
	_, err := f.GetSmall(context.Background(), SmallRequest{URL: srv.URL})
	var se *HTTPStatusError
	if !errors.As(err, &se) || se.Code != 502 || n.Load() != 3 {
		t.Errorf("err %v after %d requests; want HTTP 502 after 3", err, n.Load())
	}
}

// Final statuses are the caller's to read, at once; a permanent status
// that is not final is an error without retry.
func TestGetSmallFinalStatus(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("slow down"))
	}))
	defer srv.Close()
	f, _, _ := newTestFetcher(t, Config{})
	final := func(status int, h http.Header) bool { return status == 429 && h.Get("X-RateLimit-Remaining") == "0" }
	resp, err := f.GetSmall(context.Background(), SmallRequest{URL: srv.URL, Final: final})
	if err != nil || resp.StatusCode != 429 || string(resp.Body) != "slow down" || n.Load() != 1 {
		t.Fatalf("final 429: %+v, %v after %d requests", resp, err, n.Load())
	}
	n.Store(0)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusNotFound)
	})
	_, err = f.GetSmall(context.Background(), SmallRequest{URL: srv.URL})
	var se *HTTPStatusError
	if !errors.As(err, &se) || se.Code != 404 || n.Load() != 1 {
		t.Errorf("404: %v after %d requests", err, n.Load())
	}
}

// A body over the bound is asked for once: the same body would come again.
func TestGetSmallTooLargeNotRetried(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	f, _, _ := newTestFetcher(t, Config{})
	_, err := f.GetSmall(context.Background(), SmallRequest{URL: srv.URL, MaxSize: 10})
	var tl *TooLargeError
	if !errors.As(err, &tl) || n.Load() != 1 {
		t.Errorf("%v after %d requests; want *TooLargeError after 1", err, n.Load())
	}
}

// A header given for the request (a token) never follows a redirect, not
// even to the same host on another port, and a login goes only where it
// belongs: netrc's to its host, never to another port after a redirect.
func TestGetSmallCredentialsStayPut(t *testing.T) {
	var otherAuth, otherToken atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		otherToken.Store(r.Header.Get("X-Token"))
		w.Write([]byte("moved"))
	}))
	defer other.Close()
	var firstAuth atomic.Value
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		firstAuth.Store(r.Header.Get("Authorization"))
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	}))
	defer first.Close()

	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine 127.0.0.1 login u password p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _, _ := newTestFetcher(t, Config{Netrc: netrc})

	h := http.Header{"Authorization": {"Bearer secret"}, "X-Token": {"t"}}
	resp, err := f.GetSmall(context.Background(), SmallRequest{URL: first.URL, Header: h})
	if err != nil || string(resp.Body) != "moved" {
		t.Fatalf("%v", err)
	}
	if firstAuth.Load() != "Bearer secret" || otherAuth.Load() != "" || otherToken.Load() != "" {
		t.Errorf("token: first saw %q; the other port saw %q, %q; want it only on the first", firstAuth.Load(), otherAuth.Load(), otherToken.Load())
	}

	if _, err := f.GetSmall(context.Background(), SmallRequest{URL: first.URL, Login: true}); err != nil {
		t.Fatal(err)
	}
	if a, _ := firstAuth.Load().(string); !strings.HasPrefix(a, "Basic ") || otherAuth.Load() != "" {
		t.Errorf("login: first saw %q, the other port %q; want netrc's on the first only", a, otherAuth.Load())
	}

	if _, err := f.GetSmall(context.Background(), SmallRequest{URL: first.URL}); err != nil {
		t.Fatal(err)
	}
	if firstAuth.Load() != "" {
		t.Errorf("without Login the host got %q", firstAuth.Load())
	}
}

// Not even a redirect to the same host and port carries the request's own
// headers: only the URL asked gets them.
func TestGetSmallHeaderNotOnSameHostRedirect(t *testing.T) {
	var movedAuth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			http.Redirect(w, r, "/moved", http.StatusFound)
			return
		}
		movedAuth.Store(r.Header.Get("Authorization") + r.Header.Get("X-Token"))
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	f, _, _ := newTestFetcher(t, Config{})
	h := http.Header{"Authorization": {"Bearer secret"}, "X-Token": {"t"}}
	if _, err := f.GetSmall(context.Background(), SmallRequest{URL: srv.URL + "/first", Header: h}); err != nil {
		t.Fatal(err)
	}
	if got := movedAuth.Load(); got != "" {
		t.Errorf("the redirect target got %q", got)
	}
}
