package provenance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// GitHub lists an archive's build provenance beside other attestations
// (its immutable-release one, say), each as a bundle_url. The other one
// comes first; the provenance bundle's URL fails twice, then answers: the
// transfer layer's retries carry it and the build is verified. The other
// attestation is set aside before verification, never reported.
func TestTransientBundleURLRecovers(t *testing.T) {
	e := newEnv(t)
	other := e.f.Bundle(att{Statement: statement("https://in-toto.io/attestation/release/v0.1", e.sha)})
	var provHits atomic.Int32
	blobs := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/release":
			w.Write(other)
		case "/provenance":
			if provHits.Add(1) <= 2 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Write(e.good)
		}
	})
	e.api.set(answer(200, listing(blobs.URL+"/release", blobs.URL+"/provenance")))
	v := e.verifierRetries(t, "", 3)
	for _, mode := range []Mode{Auto, Require} {
		provHits.Store(0)
		v.cfg.CacheDir = ""
		dest := filepath.Join(t.TempDir(), "cpython")
		o, err := install(context.Background(), v, mode, e.subject(), dest)
		if err != nil || !o.Verified || o.Warning != "" {
			t.Fatalf("%s: %+v, %v", mode, o, err)
		}
		wantInstalled(t, dest, true)
		if provHits.Load() != 3 {
			t.Errorf("%s: bundle_url asked %d times, want 3", mode, provHits.Load())
		}
	}
}

// The same with the provenance bundle's URL failing past the budget: no
// bundle could be had, which is no verification failure. auto installs
// with one warning; require refuses naming the unavailability.
func TestTransientBundleURLPastBudget(t *testing.T) {
	e := newEnv(t)
	other := e.f.Bundle(att{Statement: statement("https://in-toto.io/attestation/release/v0.1", e.sha)})
	var provHits atomic.Int32
	blobs := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/release":
			w.Write(other)
		case "/provenance":
			provHits.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	e.api.set(answer(200, listing(blobs.URL+"/release", blobs.URL+"/provenance")))

	dest := filepath.Join(t.TempDir(), "cpython")
	o, err := install(context.Background(), e.verifierRetries(t, "", 2), Auto, e.subject(), dest)
	if err != nil {
		t.Fatalf("auto: %v", err)
	}
	wantInstalled(t, dest, true)
	t.Logf("warning: %s", o.Warning)
	if o.Verified || !strings.Contains(o.Warning, "attestation not verified") || !strings.Contains(o.Warning, "HTTP 503") || strings.Contains(o.Warning, "\n") {
		t.Errorf("auto: %+v", o)
	}
	if provHits.Load() != 3 {
		t.Errorf("bundle_url asked %d times, want 3 (the first and 2 retries)", provHits.Load())
	}

	dest = filepath.Join(t.TempDir(), "cpython")
	_, err = install(context.Background(), e.verifierRetries(t, "", 2), Require, e.subject(), dest)
	wantInstalled(t, dest, false)
	var ve *VerificationError
	if !errors.Is(err, ErrNoBundle) || errors.As(err, &ve) || !strings.Contains(err.Error(), "attestations are required") || !strings.Contains(err.Error(), "HTTP 503 from bundle_url") {
		t.Fatalf("require: want unavailability, got %T %v", err, err)
	}
}

// An API answer that lists only other predicates, or a listed bundle that
// is not a Sigstore bundle at all, is no bundle: never a verification
// failure.
func TestAPIOnlyOtherPredicatesOrNoBundle(t *testing.T) {
	e := newEnv(t)
	sbom := e.f.Bundle(att{Statement: statement("https://spdx.dev/Document/v2.3", e.sha)})
	for name, body := range map[string]string{
		"another predicate": listing(sbom),
		"not a bundle":      listing([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`)),
	} {
		t.Run(name, func(t *testing.T) {
			e.api.set(answer(200, body))
			o, err := e.verifier(t, "").Check(context.Background(), Auto, e.subject())
			if err != nil || o.Verified || o.Warning == "" {
				t.Fatalf("auto: %+v %v", o, err)
			}
			t.Logf("%s", o.Warning)
			_, err = e.verifier(t, "").Check(context.Background(), Require, e.subject())
			if !errors.Is(err, ErrNoBundle) {
				t.Fatalf("require: %v", err)
			}
		})
	}
}

// A mirror that answers 200 with an HTML page or a JSON error body where
// the bundle should be has no bundle there: the API is asked and the build
// verified from it.
func TestMirrorErrorBodyFallsThrough(t *testing.T) {
	e := newEnv(t)
	var body atomic.Value
	mirror := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body.Load().(string)))
	})
	e.api.set(answer(200, listing(e.good)))
	s := e.subject()
	s.MirrorURL = mirror.URL + "/pbs/20250212/cpython.tar.gz"
	// Half a bundle: a signed statement's envelope and nothing to check
	// it with.
	envelopeOnly := `{"dsseEnvelope":{"payloadType":"application/vnd.in-toto+json","payload":"` + base64Std(statement(SLSAProvenanceV1, e.sha)) + `","signatures":[]}}`
	for _, b := range []string{`<!doctype html><html><body>502 Bad Gateway</body></html>`, `{"error":"not found","status":404}`, envelopeOnly} {
		body.Store(b)
		v := e.verifier(t, "")
		v.cfg.CacheDir = ""
		n := len(e.api.requests())
		o, err := v.Check(context.Background(), Require, s)
		if err != nil || !o.Verified || o.Attestation.Source != "GitHub attestations API" || len(e.api.requests()) != n+1 {
			t.Fatalf("mirror body %q: %+v %v", b, o, err)
		}
	}
}

// The API's answer comes in pages: Link rel="next" is followed (on the
// API's own host, with the token), up to maxPages.
func TestAPIPagination(t *testing.T) {
	e := newEnv(t)
	other := e.f.Bundle(att{Statement: statement("https://spdx.dev/Document/v2.3", e.sha)})
	var pages atomic.Int32
	e.api.set(func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		page := r.URL.Query().Get("page")
		next := fmt.Sprintf(`<%s%s?page=%d>; rel="next", <%s%s?page=99>; rel="last"`, "http://"+r.Host, r.URL.Path, atoi(page)+1, "http://"+r.Host, r.URL.Path)
		w.Header().Set("Link", next)
		if page == "3" {
			w.Write([]byte(listing(e.good)))
			return
		}
		w.Write([]byte(listing(other)))
	})
	o, err := e.verifier(t, "tok").Check(context.Background(), Require, e.subject())
	if err != nil || !o.Verified {
		t.Fatalf("%+v %v", o, err)
	}
	for _, r := range e.api.requests() {
		if r.auth != "Bearer tok" {
			t.Errorf("page without the token: %+v", r)
		}
	}

	// A listing that never ends stops at the bound.
	pages.Store(0)
	e.api.set(func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d>; rel="next"`, r.Host, r.URL.Path, pages.Load()+1))
		w.Write([]byte(listing(other)))
	})
	v := e.verifier(t, "")
	v.cfg.CacheDir = ""
	if _, err := v.Check(context.Background(), Auto, e.subject()); err != nil {
		t.Fatal(err)
	}
	if pages.Load() != maxPages {
		t.Errorf("%d pages read, want the bound %d", pages.Load(), maxPages)
	}

	// A next page on another host is not followed (the token would go
	// there).
	pages.Store(0)
	e.api.set(func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		w.Header().Set("Link", `<http://127.0.0.2:1/elsewhere?page=2>; rel="next"`)
		w.Write([]byte(listing(other)))
	})
	v = e.verifier(t, "tok")
	v.cfg.CacheDir = ""
	if _, err := v.Check(context.Background(), Auto, e.subject()); err != nil || pages.Load() != 1 {
		t.Errorf("%v after %d pages", err, pages.Load())
	}
}

func atoi(s string) int {
	n := 1
	fmt.Sscan(s, &n)
	return n
}

// The token goes to the API host only, over https or to a loopback
// address, and never follows a redirect: not to another port of the same
// host, not to plain http.
func TestTokenStaysWithTheAPI(t *testing.T) {
	e := newEnv(t)
	elsewhere := newServer(t, answer(200, listing(e.good)))
	e.api.set(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	o, err := e.verifier(t, "tok").Check(context.Background(), Require, e.subject())
	if err != nil || !o.Verified {
		t.Fatalf("%+v %v", o, err)
	}
	if r := e.api.requests(); len(r) != 1 || r[0].auth != "Bearer tok" {
		t.Errorf("API requests %+v, want one with the token", r)
	}
	for _, r := range elsewhere.requests() {
		if r.auth != "" {
			t.Errorf("the token followed a redirect to another port: %+v", r)
		}
	}

	// From an https API to plain http: the transfer layer refuses the
	// redirect, so the http side sees nothing, let alone the token.
	var plainHits atomic.Int32
	plainSrv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		w.Write([]byte(listing(e.good)))
	})
	tlsAPI := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("the https API got %q", r.Header.Get("Authorization"))
		}
		http.Redirect(w, r, plainSrv.URL+r.URL.Path, http.StatusFound)
	}))
	defer tlsAPI.Close()
	one := 1
	sv, err := New(Config{APIURL: tlsAPI.URL, Token: "tok", TrustedRootPath: e.root, HTTPClient: tlsAPI.Client(), Retries: &one})
	must(t, err)
	_, err = sv.Check(context.Background(), Require, e.subject())
	if !errors.Is(err, ErrNoBundle) || plainHits.Load() != 0 {
		t.Errorf("https -> http: %v, %d requests over http", err, plainHits.Load())
	}
	for _, r := range plainSrv.requests() {
		if r.auth != "" {
			t.Errorf("the token reached plain http: %+v", r)
		}
	}

	v := e.verifier(t, "tok")
	for raw, want := range map[string]bool{
		"https://api.github.com/x": false, // another host than the API's
		e.api.URL + "/x":           true,  // http, but loopback
	} {
		u, _ := url.Parse(raw)
		if got := v.tokenAllowed(u); got != want {
			t.Errorf("tokenAllowed(%s) = %v, want %v", raw, got, want)
		}
	}
	plain, err := New(Config{APIURL: "http://ghe.example.com/api/v3", Token: "tok"})
	must(t, err)
	if u, _ := url.Parse("http://ghe.example.com/api/v3/repos"); plain.tokenAllowed(u) {
		t.Error("token allowed over plain http to a host that is not loopback")
	}
	if h := (&UnavailableError{Refused: true, TokenWithheld: true}).Hint(); !strings.Contains(h, "not sent") || !strings.Contains(h, "https") {
		t.Errorf("hint for a withheld token: %q", h)
	}
	secure, err := New(Config{APIURL: "https://ghe.example.com/api/v3", Token: "tok"})
	must(t, err)
	if u, _ := url.Parse("https://ghe.example.com/api/v3/repos"); !secure.tokenAllowed(u) {
		t.Error("token refused to the https API host")
	}
}

// A private mirror's login (netrc, or the mirror URL's userinfo) goes with
// the bundle lookup on that mirror, as with its archives, and never to the
// API host, although both are 127.0.0.1 here.
func TestMirrorBundleLogin(t *testing.T) {
	e := newEnv(t)
	mirror := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "fleet" || p != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/pbs/") {
			http.NotFound(w, r)
			return
		}
		w.Write(e.good)
	})
	e.api.set(answer(404, `{"message":"Not Found"}`))
	netrc := filepath.Join(t.TempDir(), "netrc")
	must(t, os.WriteFile(netrc, []byte("machine 127.0.0.1 login fleet password s3cret\n"), 0o600))
	s := e.subject()
	s.MirrorURL = mirror.URL + "/pbs/20250212/cpython.tar.gz"

	for name, mod := range map[string]func(*Config){
		"netrc": func(c *Config) { c.Netrc = netrc },
		"userinfo": func(c *Config) {
			c.Mirrors = []string{strings.Replace(mirror.URL, "http://", "http://fleet:s3cret@", 1) + "/pbs"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			one := 1
			cfg := Config{APIURL: e.api.URL, TrustedRootPath: e.root, Retries: &one}
			mod(&cfg)
			v, err := New(cfg)
			must(t, err)
			o, err := v.Check(context.Background(), Require, s)
			if err != nil || !o.Verified || !strings.HasPrefix(o.Attestation.Source, mirror.URL) {
				t.Fatalf("%+v %v", o, err)
			}
		})
	}
	// No bundle on the mirror: the lookup goes on to the API, which is
	// asked without the netrc login for its host.
	one := 1
	v, err := New(Config{APIURL: e.api.URL, TrustedRootPath: e.root, Retries: &one, Netrc: netrc})
	must(t, err)
	s.MirrorURL = strings.Replace(s.MirrorURL, "/pbs/", "/other/", 1)
	e.api.set(answer(200, listing(e.good)))
	if _, err := v.Check(context.Background(), Require, s); err != nil {
		t.Fatal(err)
	}
	if len(e.api.requests()) == 0 {
		t.Fatal("the API was not asked")
	}
	for _, r := range e.api.requests() {
		if r.auth != "" {
			t.Errorf("the API host got %q", r.auth)
		}
	}
}
