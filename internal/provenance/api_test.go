package provenance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/snappy"

	"github.com/pyget/pyget/internal/fetch"
)

// seen is one request a stand-in server received.
type seen struct {
	path, auth, accept string
}

// server is a loopback stand-in that records what it is asked.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []seen
	handler http.HandlerFunc
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	s := &server{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Accept")})
		h := s.handler
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

func (s *server) set(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

// answer serves a fixed status, headers and body.
func answer(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// listing is an attestations API answer; each item is a bundle (JSON) or,
// as a string, a bundle_url.
func listing(items ...any) string {
	type entry struct {
		Bundle       json.RawMessage `json:"bundle"`
		BundleURL    string          `json:"bundle_url,omitempty"`
		RepositoryID int             `json:"repository_id"`
	}
	var out []entry
	for _, it := range items {
		switch x := it.(type) {
		case []byte:
			out = append(out, entry{Bundle: x, RepositoryID: 162334160})
		case string:
			out = append(out, entry{Bundle: json.RawMessage("null"), BundleURL: x, RepositoryID: 162334160})
		}
	}
	j, _ := json.Marshal(map[string]any{"attestations": out})
	return string(j)
}

var fixedNow = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

type env struct {
	f     *fixture
	sha   string
	good  []byte
	api   *server
	cache string
	root  string
}

func newEnv(t *testing.T) *env {
	f := newFixture(t)
	sha := digestOf("cpython-3.13.2+20250212-x86_64-unknown-linux-gnu-install_only.tar.gz")
	return &env{
		f: f, sha: sha,
		good:  f.Bundle(att{Statement: statement(SLSAProvenanceV1, digestOf("another archive"), sha)}),
		api:   newServer(t, answer(404, `{"message":"Not Found"}`)),
		cache: t.TempDir(),
		root:  f.WriteRoot(rootOpts{}),
	}
}

func (e *env) verifier(t *testing.T, token string) *Verifier {
	one := 1
	v, err := New(Config{CacheDir: e.cache, APIURL: e.api.URL, Token: token, TrustedRootPath: e.root,
		Now: func() time.Time { return fixedNow }, Retries: &one})
	must(t, err)
	must(t, v.newTransfer(time.Millisecond))
	return v
}

// verifierRetries is verifier with the transfer layer's budget set.
func (e *env) verifierRetries(t *testing.T, token string, retries int) *Verifier {
	v, err := New(Config{CacheDir: e.cache, APIURL: e.api.URL, Token: token, TrustedRootPath: e.root,
		Now: func() time.Time { return fixedNow }, Retries: &retries})
	must(t, err)
	must(t, v.newTransfer(time.Millisecond))
	return v
}

func (e *env) subject() Subject {
	return Subject{Name: "cpython-3.13.2+20250212-x86_64-unknown-linux-gnu", Release: "20250212", SHA256: e.sha}
}

// install has the shape the pipeline gives an install: the attestation
// check runs while the archive downloads and unpacks into a staging
// directory, and the build is moved into place only when both succeeded.
func install(ctx context.Context, v *Verifier, mode Mode, s Subject, dest string) (Outcome, error) {
	type result struct {
		o   Outcome
		err error
	}
	ch := make(chan result, 1)
	go func() {
		o, err := v.Check(ctx, mode, s)
		ch <- result{o, err}
	}()
	staging := dest + ".partial"
	if err := os.MkdirAll(filepath.Join(staging, "bin"), 0o755); err != nil {
		return Outcome{}, err
	}
	if err := os.WriteFile(filepath.Join(staging, "bin", "python3"), []byte("#!"), 0o755); err != nil {
		return Outcome{}, err
	}
	r := <-ch
	if r.err != nil {
		os.RemoveAll(staging)
		return r.o, r.err
	}
	return r.o, os.Rename(staging, dest)
}

func wantInstalled(t *testing.T, dest string, want bool) {
	t.Helper()
	_, err := os.Stat(filepath.Join(dest, "bin", "python3"))
	if (err == nil) != want {
		t.Fatalf("installed: %v, want %v", err == nil, want)
	}
	if _, err := os.Stat(dest + ".partial"); err == nil {
		t.Fatal("staging left behind")
	}
}

// A bundle inline in the API's answer verifies and is cached: the next
// check asks nobody.
func TestAPIInlineBundle(t *testing.T) {
	for _, mode := range []Mode{Auto, Require} {
		t.Run(mode.String(), func(t *testing.T) {
			e := newEnv(t)
			e.api.set(answer(200, listing(e.good), "Content-Type", "application/json"))
			v := e.verifier(t, "tok")
			dest := filepath.Join(t.TempDir(), "cpython")
			o, err := install(context.Background(), v, mode, e.subject(), dest)
			if err != nil {
				t.Fatal(err)
			}
			wantInstalled(t, dest, true)
			if !o.Verified || o.Warning != "" || o.Attestation.Source != "GitHub attestations API" || !strings.Contains(o.Note, "attestation verified") {
				t.Fatalf("outcome %+v", o)
			}
			reqs := e.api.requests()
			wantPath := "/repos/astral-sh/python-build-standalone/attestations/sha256:" + e.sha
			if len(reqs) != 1 || reqs[0].path != wantPath || reqs[0].auth != "Bearer tok" || reqs[0].accept != "application/vnd.github+json" {
				t.Fatalf("API requests %+v, want one GET %s with the token", reqs, wantPath)
			}
			if _, err := os.Stat(filepath.Join(e.cache, "attestations", e.sha+".json")); err != nil {
				t.Fatalf("not cached: %v", err)
			}

			o, err = e.verifier(t, "tok").Check(context.Background(), mode, e.subject())
			if err != nil || !o.Verified || o.Attestation.Source != "cache" {
				t.Fatalf("second check: %+v, %v", o, err)
			}
			if n := len(e.api.requests()); n != 1 {
				t.Fatalf("%d API requests, want the cache to answer", n)
			}
		})
	}
}

// A bundle behind bundle_url, Snappy-compressed (said by Content-Type, or
// not), verifies; the token goes to the API host only.
func TestAPIBundleURL(t *testing.T) {
	e := newEnv(t)
	blobs := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/typed":
			w.Header().Set("Content-Type", "application/x-snappy")
			w.Write(snappy.Encode(nil, e.good))
		case "/untyped":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(snappy.Encode(nil, e.good))
		case "/plain":
			w.Write(e.good)
		default:
			http.NotFound(w, r)
		}
	})
	for _, p := range []string{"/typed", "/untyped", "/plain"} {
		t.Run(p, func(t *testing.T) {
			e.api.set(answer(200, listing(blobs.URL+p)))
			v := e.verifier(t, "tok")
			v.cfg.CacheDir = ""
			o, err := v.Check(context.Background(), Require, e.subject())
			if err != nil || !o.Verified {
				t.Fatalf("%+v, %v", o, err)
			}
		})
	}
	for _, r := range blobs.requests() {
		if r.auth != "" {
			t.Errorf("token sent to the bundle host: %+v", r)
		}
	}
	for _, r := range e.api.requests() {
		if r.auth != "Bearer tok" {
			t.Errorf("API request without the token: %+v", r)
		}
	}

	// Without a token, no Authorization at all.
	api := e.api
	n := len(api.requests())
	e.api.set(answer(200, listing(blobs.URL+"/typed")))
	v := e.verifier(t, "")
	v.cfg.CacheDir = ""
	if _, err := v.Verify(context.Background(), e.sha, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range api.requests()[n:] {
		if r.auth != "" {
			t.Errorf("Authorization without a token: %+v", r)
		}
	}
}

// No bundle to be had: mode auto warns once (naming the build and the
// reason) and installs; mode require installs nothing, and says what a token
// would change when the API refused.
func TestAPIUnavailable(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cases := []struct {
		name      string
		h         http.HandlerFunc
		apiURL    string
		reason    string
		status    int
		limited   bool
		retry     time.Duration
		hint      string
		wantCalls int
	}{
		{name: "404", h: answer(404, `{"message":"Not Found"}`), reason: "no attestation published (HTTP 404", status: 404, wantCalls: 1},
		{name: "empty list", h: answer(200, `{"attestations":[]}`), reason: "no attestation published (an empty list", status: 200, wantCalls: 1},
		{name: "429 with Retry-After", h: answer(429, `{"message":"rate limited"}`, "Retry-After", "120"),
			reason: "rate-limited", status: 429, limited: true, retry: 2 * time.Minute, hint: "GITHUB_TOKEN", wantCalls: 1},
		{name: "403 rate limit spent", h: answer(403, `{"message":"API rate limit exceeded"}`,
			"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", fmt.Sprint(fixedNow.Add(90*time.Second).Unix())),
			reason: "rate-limited", status: 403, limited: true, retry: 90 * time.Second, hint: "GITHUB_TOKEN", wantCalls: 1},
		{name: "401", h: answer(401, `{"message":"Bad credentials"}`), reason: "refused by", status: 401, hint: "GITHUB_TOKEN", wantCalls: 1},
		{name: "malformed body", h: answer(200, `<html>captive portal</html>`), reason: "malformed answer", status: 200, wantCalls: 1},
		{name: "503, tried twice", h: answer(503, `unavailable`), reason: "HTTP 503", status: 503, wantCalls: 2},
		{name: "unreachable", apiURL: closed.URL, reason: "unreachable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			if c.h != nil {
				e.api.set(c.h)
			}
			verifier := func() *Verifier {
				v := e.verifier(t, "")
				if c.apiURL != "" {
					v.api, _ = v.api.Parse(c.apiURL)
				}
				return v
			}
			dest := filepath.Join(t.TempDir(), "cpython")
			o, err := install(context.Background(), verifier(), Auto, e.subject(), dest)
			if err != nil {
				t.Fatalf("auto: %v", err)
			}
			wantInstalled(t, dest, true)
			t.Logf("warning: %s", o.Warning)
			if o.Verified || !strings.HasPrefix(o.Warning, e.subject().Name+": attestation not verified: ") ||
				!strings.Contains(o.Warning, c.reason) || strings.Contains(o.Warning, "\n") {
				t.Fatalf("auto outcome %+v, want one warning line naming the build and %q", o, c.reason)
			}
			if c.retry > 0 && !strings.Contains(o.Warning, "retry after "+c.retry.String()) {
				t.Errorf("warning %q does not say when to retry (%s)", o.Warning, c.retry)
			}
			if n := len(e.api.requests()); c.wantCalls > 0 && n != c.wantCalls {
				t.Errorf("%d API requests, want %d", n, c.wantCalls)
			}

			dest = filepath.Join(t.TempDir(), "cpython")
			_, err = install(context.Background(), verifier(), Require, e.subject(), dest)
			wantInstalled(t, dest, false)
			var ce *CheckError
			var u *UnavailableError
			if !errors.As(err, &ce) || !errors.As(err, &u) || !errors.Is(err, ErrNoBundle) {
				t.Fatalf("require: want a CheckError over an UnavailableError, got %T %v", err, err)
			}
			t.Logf("require: %v; hint: %s", err, ce.Hint())
			if !strings.HasPrefix(err.Error(), e.subject().Name+": no verified attestation, and attestations are required: ") ||
				!strings.Contains(err.Error(), c.reason) {
				t.Errorf("message %q", err)
			}
			if u.StatusCode != c.status || u.RateLimited != c.limited || u.RetryAfter != c.retry {
				t.Errorf("unavailable %+v", u)
			}
			if (c.hint == "") != (ce.Hint() == "") || !strings.Contains(ce.Hint(), c.hint) {
				t.Errorf("hint %q, want one mentioning %q", ce.Hint(), c.hint)
			}
		})
	}
}

// A bundle that fails verification fails the install in both modes, names
// the attestation and why, installs nothing and caches nothing.
func TestAPIBadBundleFailsInstall(t *testing.T) {
	e := newEnv(t)
	bad := e.f.Bundle(att{SAN: "https://github.com/someone-else/python-build-standalone/.github/workflows/release.yml@refs/heads/main",
		SourceRepo: "https://github.com/someone-else/python-build-standalone", Statement: statement(SLSAProvenanceV1, e.sha)})
	cases := []struct {
		name, body, what string
	}{
		{"another repository's workflow", listing(bad), "signer identity"},
	}
	for _, c := range cases {
		for _, mode := range []Mode{Auto, Require} {
			t.Run(c.name+"/"+mode.String(), func(t *testing.T) {
				e.api.set(answer(200, c.body))
				dest := filepath.Join(t.TempDir(), "cpython")
				_, err := install(context.Background(), e.verifier(t, ""), mode, e.subject(), dest)
				wantInstalled(t, dest, false)
				var ce *CheckError
				if !errors.As(err, &ce) || errors.Is(err, ErrNoBundle) {
					t.Fatalf("want a CheckError over a VerificationError, got %T %v", err, err)
				}
				t.Logf("%v", err)
				ve := wantVerificationError(t, err, c.what, "")
				if !strings.HasPrefix(err.Error(), e.subject().Name+": attestation for sha256:"+e.sha[:12]) ||
					ve.Source != "GitHub attestations API" || ce.Hint() != "" {
					t.Errorf("message %q", err)
				}
				if _, err := os.Stat(filepath.Join(e.cache, "attestations", e.sha+".json")); err == nil {
					t.Error("a failing bundle was cached")
				}
			})
		}
	}
}

// One good attestation among several is enough.
func TestAPISeveralAttestations(t *testing.T) {
	e := newEnv(t)
	bad := e.f.Bundle(att{Statement: statement("https://slsa.dev/provenance/v0.2", e.sha)})
	e.api.set(answer(200, listing(bad, e.good)))
	o, err := e.verifier(t, "").Check(context.Background(), Require, e.subject())
	if err != nil || !o.Verified {
		t.Fatalf("%+v %v", o, err)
	}
}

// Mode off makes no request at all, and needs no Verifier.
func TestModeOffMakesNoRequest(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(200, listing(e.good)))
	dest := filepath.Join(t.TempDir(), "cpython")
	o, err := install(context.Background(), e.verifier(t, "tok"), Off, e.subject(), dest)
	if err != nil || o.Verified || o.Warning != "" || !strings.Contains(o.Note, "attestations off") {
		t.Fatalf("%+v %v", o, err)
	}
	wantInstalled(t, dest, true)
	var none *Verifier
	if _, err := none.Check(context.Background(), Off, e.subject()); err != nil {
		t.Fatal(err)
	}
	if n := len(e.api.requests()); n != 0 {
		t.Fatalf("%d requests with attestations off", n)
	}
}

// A build older than the first attested release is not looked up: a -v note
// in mode auto, a refusal in mode require.
func TestOldReleaseNotLookedUp(t *testing.T) {
	e := newEnv(t)
	s := e.subject()
	s.Release = "20240107"
	o, err := e.verifier(t, "").Check(context.Background(), Auto, s)
	if err != nil || o.Warning != "" || !strings.Contains(o.Note, "predates") {
		t.Fatalf("auto: %+v %v", o, err)
	}
	_, err = e.verifier(t, "").Check(context.Background(), Require, s)
	var ce *CheckError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "predates") {
		t.Fatalf("require: %v", err)
	}
	if n := len(e.api.requests()); n != 0 {
		t.Fatalf("%d requests for a build without attestations", n)
	}
}

// A bundle beside the archive on the mirror that served it comes before the
// API; none there (or an error page) falls through to the API; a bad one
// there is the answer.
func TestMirrorBundle(t *testing.T) {
	e := newEnv(t)
	bad := e.f.Bundle(att{Statement: statement(SLSAProvenanceV1, digestOf("other"))})
	var mirrorBody []byte
	var mirrorStatus int
	mirror := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/pbs/20250212/cpython.tar.gz.sigstore.json" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(mirrorStatus)
		w.Write(mirrorBody)
	})
	e.api.set(answer(200, listing(e.good)))
	s := e.subject()
	s.MirrorURL = mirror.URL + "/pbs/20250212/cpython.tar.gz"
	check := func(mode Mode) (Outcome, error) {
		v := e.verifier(t, "tok")
		v.cfg.CacheDir = ""
		return v.Check(context.Background(), mode, s)
	}

	mirrorStatus, mirrorBody = 200, e.good
	o, err := check(Require)
	if err != nil || o.Attestation.Source != s.MirrorURL+".sigstore.json" {
		t.Fatalf("from the mirror: %+v %v", o, err)
	}
	if n := len(e.api.requests()); n != 0 {
		t.Fatalf("%d API requests with the bundle on the mirror", n)
	}

	for _, c := range []struct {
		status int
		body   string
	}{{404, "not found"}, {200, "<html>mirror error page</html>"}} {
		mirrorStatus, mirrorBody = c.status, []byte(c.body)
		o, err = check(Require)
		if err != nil || o.Attestation.Source != "GitHub attestations API" {
			t.Fatalf("mirror %d %q: %+v %v", c.status, c.body, o, err)
		}
	}

	n := len(e.api.requests())
	mirrorStatus, mirrorBody = 200, bad
	_, err = check(Auto)
	ve := wantVerificationError(t, err, "subject digest", "")
	if ve.Source != s.MirrorURL+".sigstore.json" || len(e.api.requests()) != n {
		t.Fatalf("bad mirror bundle: %v, API asked %d times", err, len(e.api.requests())-n)
	}
	for _, r := range mirror.requests() {
		if r.auth != "" {
			t.Errorf("token sent to the mirror: %+v", r)
		}
	}
}

// A cached bundle that no longer verifies is dropped and looked for afresh.
func TestDamagedCacheRefetched(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(200, listing(e.good)))
	p := filepath.Join(e.cache, "attestations", e.sha+".json")
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte(`{"mediaType": "damaged"`), 0o644))
	o, err := e.verifier(t, "").Check(context.Background(), Require, e.subject())
	if err != nil || o.Attestation.Source != "GitHub attestations API" {
		t.Fatalf("%+v %v", o, err)
	}
	got, err := os.ReadFile(p)
	if err != nil || !sameJSON(got, e.good) {
		t.Fatalf("cache holds %q, %v", got, err)
	}
}

// FetchBundle (for `pyget mirror`) returns the verified bundle, and refuses
// one that does not verify; VerifyBundle checks one at hand.
func TestFetchBundle(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(200, listing(e.good)))
	raw, err := e.verifier(t, "").FetchBundle(context.Background(), e.sha)
	if err != nil || !sameJSON(raw, e.good) {
		t.Fatalf("%q %v", raw, err)
	}
	if _, err := e.verifier(t, "").VerifyBundle(raw, e.sha); err != nil {
		t.Fatal(err)
	}

	e2 := newEnv(t)
	e2.api.set(answer(200, listing(e2.f.Bundle(att{Issuer: "https://accounts.example.com", Statement: statement(SLSAProvenanceV1, e2.sha)}))))
	_, err = e2.verifier(t, "").FetchBundle(context.Background(), e2.sha)
	wantVerificationError(t, err, "certificate issuer", "")
	e2.api.set(answer(404, "{}"))
	if _, err := e2.verifier(t, "").FetchBundle(context.Background(), e2.sha); !errors.Is(err, ErrNoBundle) {
		t.Fatalf("404: %v", err)
	}
}

// A check given up by its caller returns the context's error promptly.
func TestCheckCancelled(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	e.api.set(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.verifier(t, "").Check(ctx, Require, e.subject())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
}

func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

// A file:// mirror (pyget mirror's folder read in place): the bundle beside
// the archive is read from disk, and the API is not asked.
func TestFileMirrorBundle(t *testing.T) {
	// The RFC 8089 form (file:///C:/x on Windows) and the one written by
	// hand, "file://" + the slashed path (file://C:/x on Windows).
	for _, fileURL := range []func(string) string{fetch.FileURL, func(p string) string { return "file://" + filepath.ToSlash(p) }} {
		e := newEnv(t)
		archive := filepath.Join(t.TempDir(), "20250212", "cpython.tar.gz")
		must(t, os.MkdirAll(filepath.Dir(archive), 0o755))
		must(t, os.WriteFile(archive+".sigstore.json", e.good, 0o644))
		mirrorURL := fileURL(archive)
		s := e.subject()
		s.MirrorURL = mirrorURL
		v := e.verifier(t, "")
		o, err := v.Check(context.Background(), Require, s)
		if err != nil || o.Attestation.Source != s.MirrorURL+".sigstore.json" || len(e.api.requests()) != 0 {
			t.Fatalf("file mirror %s: %+v, %v, %d API requests", mirrorURL, o, err, len(e.api.requests()))
		}
	}
}
