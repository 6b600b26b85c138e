package provenance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An unreachable API is remembered in the cache: later installs under auto
// do not ask it (nor wait for its retries) until the memory runs out;
// require always asks; an answer forgets it.
func TestUnreachableAPIRemembered(t *testing.T) {
	e := newEnv(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	now := fixedNow
	verifier := func(apiURL string) *Verifier {
		v := e.verifier(t, "")
		v.api, _ = v.api.Parse(apiURL)
		v.cfg.Now = func() time.Time { return now }
		return v
	}

	o, err := verifier(closed.URL).Check(context.Background(), Auto, e.subject())
	if err != nil || !strings.Contains(o.Warning, "unreachable") {
		t.Fatalf("first: %+v %v", o, err)
	}
	o, err = verifier(closed.URL).Check(context.Background(), Auto, e.subject())
	if err != nil || o.Verified || !strings.Contains(o.Warning, "not asked again before") {
		t.Fatalf("remembered: %+v %v", o, err)
	}

	// Another API URL is not the one remembered.
	e.api.set(answer(200, listing(e.good)))
	if o, err := verifier(e.api.URL).Check(context.Background(), Auto, e.subject()); err != nil || !o.Verified {
		t.Fatalf("another API: %+v %v", o, err)
	}
	must(t, removeAll(filepath.Join(e.cache, "attestations", e.sha+".json")))

	// Require asks even while it is remembered.
	_, err = verifier(closed.URL).Check(context.Background(), Require, e.subject())
	if !errors.Is(err, ErrNoBundle) || strings.Contains(err.Error(), "not asked again") {
		t.Fatalf("require: %v", err)
	}

	// Past the memory, auto asks again.
	now = fixedNow.Add(apiMemory + time.Minute)
	o, _ = verifier(closed.URL).Check(context.Background(), Auto, e.subject())
	if strings.Contains(o.Warning, "not asked again") {
		t.Errorf("after the memory: %+v", o)
	}
}

// An API failing with 5xx past the budget is remembered too: while it
// lasts, auto makes no request at all, even once the API would answer.
func TestFailingAPIRememberedNoRequest(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(503, "unavailable"))
	if o, err := e.verifier(t, "").Check(context.Background(), Auto, e.subject()); err != nil || !strings.Contains(o.Warning, "HTTP 503") {
		t.Fatalf("%+v %v", o, err)
	}
	n := len(e.api.requests())
	e.api.set(answer(200, listing(e.good)))
	o, err := e.verifier(t, "").Check(context.Background(), Auto, e.subject())
	if err != nil || o.Verified || len(e.api.requests()) != n {
		t.Fatalf("while remembered: %+v %v, %d requests", o, err, len(e.api.requests())-n)
	}
	// require asks, gets the bundle, and the memory is forgotten.
	if o, err := e.verifier(t, "").Check(context.Background(), Require, e.subject()); err != nil || !o.Verified {
		t.Fatalf("require: %+v %v", o, err)
	}
	if u := e.verifier(t, "").rememberedUnavailable(e.sha); u != nil {
		t.Errorf("an answer did not forget the failure: %v", u)
	}
}

// A rate limit is remembered until its reset; an answer from the API
// forgets it.
func TestRateLimitRememberedUntilReset(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(429, `{"message":"rate limited"}`, "Retry-After", "120"))
	if o, err := e.verifier(t, "").Check(context.Background(), Auto, e.subject()); err != nil || !strings.Contains(o.Warning, "rate-limited") {
		t.Fatalf("%+v %v", o, err)
	}
	n := len(e.api.requests())
	o, err := e.verifier(t, "").Check(context.Background(), Auto, e.subject())
	if err != nil || len(e.api.requests()) != n || !strings.Contains(o.Warning, "not asked again before 12:02:00 UTC") {
		t.Fatalf("within the limit: %+v %v, %d requests", o, err, len(e.api.requests())-n)
	}
	// With a token, the limit is another one: asked at once.
	if _, err := e.verifier(t, "tok").Check(context.Background(), Auto, e.subject()); err != nil || len(e.api.requests()) != n+1 {
		t.Fatalf("with a token: %v, %d requests", err, len(e.api.requests())-n)
	}
	v := e.verifier(t, "")
	v.cfg.Now = func() time.Time { return fixedNow.Add(3 * time.Minute) }
	e.api.set(answer(404, `{"message":"Not Found"}`))
	if o, err := v.Check(context.Background(), Auto, e.subject()); err != nil || !strings.Contains(o.Warning, "HTTP 404") {
		t.Fatalf("after the reset: %+v %v", o, err)
	}
	if u := e.verifier(t, "").rememberedUnavailable(e.sha); u != nil {
		t.Errorf("an answer did not forget the limit: %v", u)
	}
}

func removeAll(p string) error { return os.RemoveAll(p) }
