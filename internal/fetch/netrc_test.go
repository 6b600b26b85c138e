package fetch

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseNetrc(t *testing.T) {
	n := ParseNetrc([]byte(`# a comment
machine Artifactory.example.com login ci password "s3cr et\"x"
macdef init
machine evil.example.com login no password no

machine nexus.example.com
  login  bob
  account ignored
  password hunter2
default login anon password guest
machine late.example.com login late password late
`))
	for _, tt := range []struct{ host, login, pass string }{
		{"artifactory.example.com", "ci", `s3cr et"x`},
		{"nexus.example.com", "bob", "hunter2"},
		{"late.example.com", "late", "late"},
		{"evil.example.com", "anon", "guest"}, // inside the macro: not an entry
		{"other.example.com", "anon", "guest"},
	} {
		l, p, ok := n.Lookup(tt.host)
		if !ok || l != tt.login || p != tt.pass {
			t.Errorf("Lookup(%s) = %q %q %v, want %q %q", tt.host, l, p, ok, tt.login, tt.pass)
		}
	}
	if _, _, ok := ParseNetrc([]byte("machine a login x password y")).Lookup("b"); ok {
		t.Error("no default entry: Lookup of another host found one")
	}
	if _, _, ok := (*Netrc)(nil).Lookup("a"); ok {
		t.Error("nil Netrc found an entry")
	}
	if n, err := ReadNetrc(filepath.Join(t.TempDir(), "missing")); n != nil || err != nil {
		t.Errorf("ReadNetrc of a missing file = %v, %v; want nil, nil", n, err)
	}
}

// authServer serves the archive only with the right basic auth; else 401.
func authServer(t *testing.T, data []byte, user, pass string) *handlerServer {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	return newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != want {
			w.Header().Set("WWW-Authenticate", `Basic realm="mirror"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		serveData(w, r, data, `"v1"`)
	})
}

const authAsset = "/20260610/cpython-3.14.6+20260610-x.tar.gz"

func TestCredentialsFromMirrorURL(t *testing.T) {
	data := archiveData(64<<10, 7)
	hs := authServer(t, data, "ci", "p@ss:word")
	base := strings.Replace(hs.URL, "http://", "http://ci:p%40ss%3Aword@", 1)
	f, _, _ := newTestFetcher(t, Config{Mirrors: []string{base}})
	res := fetchAll(t, f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)}, data)
	if strings.Contains(res.URL, "ci:") || strings.Contains(res.URL, "word") {
		t.Fatalf("the result's URL carries the credentials: %s", res.URL)
	}
}

func TestCredentialsFromNetrc(t *testing.T) {
	data := archiveData(64<<10, 8)
	hs := authServer(t, data, "bob", "hunter2")
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login bob password hunter2\n"), 0o600)
	f, _, _ := newTestFetcher(t, Config{Mirrors: []string{hs.URL}, Netrc: netrc})
	fetchAll(t, f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)}, data)
}

// A 401 is not retried, names the status and what was sent, and the
// password appears nowhere in it.
func TestUnauthorizedFailsAtOnce(t *testing.T) {
	data := archiveData(1<<10, 9)
	hs := authServer(t, data, "bob", "hunter2")
	for _, tt := range []struct {
		name, base, netrc, says string
	}{
		{"none", hs.URL, "", "(no credentials were sent)"},
		{"wrong netrc", hs.URL, "machine 127.0.0.1 login bob password badpw", "(the login from "},
		{"wrong userinfo", strings.Replace(hs.URL, "http://", "http://bob:badpw@", 1), "", "(the login from the mirror URL was sent)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(hs.requests())
			cfg := Config{Mirrors: []string{tt.base}}
			if tt.netrc != "" {
				cfg.Netrc = filepath.Join(t.TempDir(), "netrc")
				os.WriteFile(cfg.Netrc, []byte(tt.netrc), 0o600)
			}
			f, _, _ := newTestFetcher(t, cfg)
			_, _, err := fetchRead(context.Background(), f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)})
			var se *HTTPStatusError
			if !errors.As(err, &se) || se.Code != 401 || !se.AuthFailed() || !IsPermanent(err) {
				t.Fatalf("err = %v, want a permanent HTTP 401", err)
			}
			if !strings.Contains(err.Error(), "HTTP 401 Unauthorized "+tt.says) || strings.Contains(err.Error(), "badpw") {
				t.Fatalf("err = %q, want it to name the status and %q, without the password", err, tt.says)
			}
			if n := len(hs.requests()) - before; n != 1 {
				t.Fatalf("%d requests, want 1: a 401 is not retried", n)
			}
		})
	}
}

// Credentials go to the mirror's host only: not to the host a redirect
// leads to (another port is another host), from the URL or from netrc.
func TestCredentialsNotSentAfterRedirect(t *testing.T) {
	data := archiveData(64<<10, 10)
	other := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { serveData(w, r, data, `"v1"`) })
	redirect := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login n password np\n"), 0o600)
	for _, base := range []string{strings.Replace(redirect.URL, "http://", "http://u:p@", 1), redirect.URL} {
		f, _, _ := newTestFetcher(t, Config{Mirrors: []string{base}, Netrc: netrc, CacheDir: t.TempDir()})
		fetchAll(t, f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)}, data)
	}
	for _, r := range redirect.requests() {
		if r.Auth == "" {
			t.Errorf("the mirror got no credentials: %+v", r)
		}
	}
	for _, r := range other.requests() {
		if r.Auth != "" {
			t.Errorf("the redirect's host got %q", r.Auth)
		}
	}
	if segmentsForTests {
		// Every segment request is sent to the mirror and redirected:
		// the credential checks above cover each of them.
		if n := len(redirect.requests()); n <= 2 || len(other.requests()) != n {
			t.Fatalf("requests: mirror %d, redirect target %d; want segments, each redirected", n, len(other.requests()))
		}
	} else if len(redirect.requests()) != 2 || len(other.requests()) != 2 {
		t.Fatalf("requests: mirror %d, redirect target %d; want 2 each", len(redirect.requests()), len(other.requests()))
	}
}

// netrc logins never go to the public sources, whatever the file says.
func TestNetrcNotForPublicHosts(t *testing.T) {
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine github.com login me password stale\ndefault login d password d\n"), 0o600)
	f, _, _ := newTestFetcher(t, Config{Netrc: netrc})
	for _, u := range []string{UpstreamPrefix + "/x/y.tar.gz", "https://releases.astral.sh/a", "https://raw.githubusercontent.com/astral-sh/uv/main/x.json"} {
		pu, _ := url.Parse(u)
		if c, ok := f.credentialFor(pu); ok {
			t.Errorf("%s gets %q's login", u, c.from)
		}
	}
	pu, _ := url.Parse("https://nexus.example/pbs/x")
	if c, ok := f.credentialFor(pu); !ok || c.user != "d" {
		t.Errorf("another host does not get the default entry: %+v %v", c, ok)
	}
}

// Config.Header's fields, not only Authorization, stay with the first host
// across a redirect.
func TestConfigHeaderNotSentAfterRedirect(t *testing.T) {
	data := archiveData(32<<10, 11)
	var got []string
	var mu sync.Mutex
	other := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("X-Jfrog-Art-Api"))
		mu.Unlock()
		serveData(w, r, data, `"v1"`)
	})
	var first string
	redirect := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		first = r.Header.Get("X-Jfrog-Art-Api")
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	f, _, _ := newTestFetcher(t, Config{Mirrors: []string{redirect.URL}, Header: http.Header{"X-Jfrog-Art-Api": {"key"}}})
	fetchAll(t, f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)}, data)
	if first != "key" || len(got) != 1 || got[0] != "" {
		t.Fatalf("the mirror got %q; the redirect's host got %q (want nothing)", first, got)
	}
}

// A netrc machine names one host exactly: not a host that ends with it
// (evil-mirror.example.com, xmirror.example.com), nor one it ends with.
func TestNetrcMachineMatchesExactly(t *testing.T) {
	n := ParseNetrc([]byte("machine mirror.example.com login ci password s3cret\n"))
	if l, _, ok := n.Lookup("MIRROR.example.com"); !ok || l != "ci" {
		t.Errorf("Lookup(MIRROR.example.com) = %q %v, want ci (host names are case-insensitive)", l, ok)
	}
	for _, host := range []string{"evil-mirror.example.com", "xmirror.example.com", "example.com", "mirror.example.com.evil", "mirror.example"} {
		if l, _, ok := n.Lookup(host); ok {
			t.Errorf("Lookup(%s) found login %q, want none: the entry names mirror.example.com only", host, l)
		}
	}
}

// loopbackNames is a client that dials the host names given to loopback
// servers' addresses (name:port -> 127.0.0.1:port), so that tests can
// reach distinct host names without DNS.
func loopbackNames(names map[string]string) *http.Client {
	c := NewHTTPClient(5 * time.Second)
	tr := c.Transport.(*http.Transport)
	tr.Proxy = nil
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if to, ok := names[addr]; ok {
			addr = to
		}
		return dial(ctx, network, addr)
	}
	return c
}

// End to end: the netrc entry for mirror.example.com is sent to that host
// and to no host whose name merely ends with it, each a loopback server
// reached by name; a server that gets no Authorization still serves.
func TestNetrcLoginNotSentToSimilarHosts(t *testing.T) {
	data := archiveData(64<<10, 12)
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine mirror.example.com login ci password s3cret\n"), 0o600)
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))
	for _, c := range []struct {
		host      string
		sendsAuth bool
	}{
		{"mirror.example.com", true},
		{"evil-mirror.example.com", false},
		{"xmirror.example.com", false},
	} {
		t.Run(c.host, func(t *testing.T) {
			hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { serveData(w, r, data, `"v1"`) })
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(hs.URL, "http://"))
			name := net.JoinHostPort(c.host, port)
			client := loopbackNames(map[string]string{name: "127.0.0.1:" + port})
			f, _, _ := newTestFetcher(t, Config{Mirrors: []string{"http://" + name}, Netrc: netrc, Client: client})
			fetchAll(t, f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)}, data)
			reqs := hs.requests()
			if len(reqs) == 0 {
				t.Fatal("no request reached the server")
			}
			for _, r := range reqs {
				if got := r.Auth; c.sendsAuth && got != want || !c.sendsAuth && got != "" {
					t.Errorf("%s got Authorization %q, want %q", c.host, got, map[bool]string{true: want}[c.sendsAuth])
				}
			}
		})
	}
}

// Credentials written in a mirror URL belong to its host and port: a second
// mirror on the same host but another port (a loopback server each) never
// gets them, when the transfer moves to it after the first fails.
func TestMirrorCredentialsKeyedByHostAndPort(t *testing.T) {
	data := archiveData(64<<10, 13)
	first := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not here", http.StatusNotFound)
	})
	second := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { serveData(w, r, data, `"v1"`) })
	f, _, ev := newTestFetcher(t, Config{Mirrors: []string{strings.Replace(first.URL, "http://", "http://u:p@", 1), second.URL}})
	res := fetchAll(t, f, Target{Name: "a", URL: UpstreamPrefix + authAsset, SHA256: sha(data)}, data)
	if !strings.HasPrefix(res.URL, second.URL) || len(ev.kinds(EventMirror)) != 1 {
		t.Fatalf("result from %s after %d mirror events, want the second mirror", res.URL, len(ev.kinds(EventMirror)))
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))
	for _, r := range first.requests() {
		if r.Auth != want {
			t.Errorf("the first mirror got Authorization %q, want %q", r.Auth, want)
		}
	}
	if len(second.requests()) == 0 {
		t.Fatal("no request reached the second mirror")
	}
	for _, r := range second.requests() {
		if r.Auth != "" {
			t.Errorf("the second mirror (same host, another port) got Authorization %q, want none", r.Auth)
		}
	}
}
