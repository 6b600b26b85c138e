package fetch

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"strings"
)

// Credentials for private mirrors (Artifactory, Nexus, an nginx with
// auth_basic) come from two places, as curl and pip take them:
//
//   - the mirror URL's user:password@, sent to that mirror's host and port
//     only (the userinfo is removed from the URL, so it never shows in a
//     message or a log);
//   - a netrc file (Config.Netrc: $NETRC, else ~/.netrc), the first
//     "machine" entry naming the request's host, else its "default" entry;
//     never for the public sources (publicHosts).
//
// Either is sent as HTTP basic auth on the request to that host, never when
// Config.Header already carries an Authorization, and never to the host of
// a redirect (checkRedirect drops it).

// credential is a login and password and where they came from.
type credential struct {
	user, pass string
	from       string // "the mirror URL", or the netrc file's path
}

// Netrc is a parsed netrc file.
type Netrc struct {
	Path     string
	machines []netrcEntry
	def      *netrcEntry
}

type netrcEntry struct {
	machine, login, password string
	isDefault                bool // the "default" entry; a machine with no name is none
}

// ReadNetrc reads and parses the netrc file at path. A missing file is no
// error: it gives a nil *Netrc, which has no entries.
func ReadNetrc(path string) (*Netrc, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	n := ParseNetrc(data)
	n.Path = path
	return n, nil
}

// ParseNetrc parses netrc's format: white-space separated tokens "machine
// NAME", "default", "login NAME", "password SECRET", "account X", "macdef
// NAME" (its body, up to an empty line, is skipped), '#' comments, and
// double-quoted tokens with backslash escapes (as curl reads them).
// Unknown tokens are skipped, so that what curl or ftp accept never stops
// pyget.
func ParseNetrc(data []byte) *Netrc {
	n := &Netrc{}
	toks := netrcTokens(string(data))
	var cur *netrcEntry
	flush := func() {
		if cur == nil {
			return
		}
		switch {
		case cur.isDefault:
			if n.def == nil {
				e := *cur
				n.def = &e
			}
		case cur.machine != "":
			n.machines = append(n.machines, *cur)
		}
		cur = nil
	}
	for i := 0; i < len(toks); i++ {
		next := func() string {
			if i+1 < len(toks) {
				i++
				return toks[i].s
			}
			return ""
		}
		switch t := toks[i]; {
		case t.macdef:
		case t.s == "machine":
			flush()
			cur = &netrcEntry{machine: strings.ToLower(next())}
		case t.s == "default":
			flush()
			cur = &netrcEntry{isDefault: true}
		case t.s == "login" && cur != nil:
			cur.login = next()
		case t.s == "password" && cur != nil:
			cur.password = next()
		case t.s == "account":
			next()
		}
	}
	flush()
	return n
}

type netrcToken struct {
	s      string
	macdef bool // part of a macro definition: skipped
}

func netrcTokens(s string) []netrcToken {
	var out []netrcToken
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"':
			var b strings.Builder
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					switch s[i] {
					case 'n':
						b.WriteByte('\n')
					case 'r':
						b.WriteByte('\r')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(s[i])
					}
				} else {
					b.WriteByte(s[i])
				}
				i++
			}
			i++ // the closing quote
			out = append(out, netrcToken{s: b.String()})
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n", rune(s[j])) {
				j++
			}
			out = append(out, netrcToken{s: s[i:j]})
			i = j
			if out[len(out)-1].s == "macdef" {
				// The macro's name, then its body up to an empty line.
				for i < len(s) && s[i] != '\n' {
					i++
				}
				end := strings.Index(s[i:], "\n\n")
				if end < 0 {
					i = len(s)
				} else {
					i += end + 2
				}
				out[len(out)-1].macdef = true
			}
		}
	}
	return out
}

// Lookup returns the login and password for host (a host name, without a
// port): the first machine entry naming it, else the default entry.
func (n *Netrc) Lookup(host string) (login, password string, ok bool) {
	if n == nil {
		return "", "", false
	}
	host = strings.ToLower(host)
	for _, e := range n.machines {
		if e.machine == host {
			return e.login, e.password, e.login != "" || e.password != ""
		}
	}
	if n.def != nil {
		return n.def.login, n.def.password, n.def.login != "" || n.def.password != ""
	}
	return "", "", false
}

// splitUserinfo removes user:password@ from each base URL and returns the
// credentials by host:port.
func splitUserinfo(bases []string) (map[string]credential, []string) {
	creds := map[string]credential{}
	out := make([]string, len(bases))
	for i, b := range bases {
		out[i] = b
		u, err := url.Parse(b)
		if err != nil || u.User == nil {
			continue
		}
		pass, _ := u.User.Password()
		if _, dup := creds[u.Host]; !dup {
			creds[u.Host] = credential{user: u.User.Username(), pass: pass, from: "the mirror URL"}
		}
		u.User = nil
		out[i] = u.String()
	}
	return creds, out
}

// publicHosts serve python-build-standalone and uv's catalog to anyone:
// netrc logins are never sent to them, so that a stale GitHub token kept in
// ~/.netrc for git cannot turn public downloads into 401s.
var publicHosts = map[string]bool{
	"github.com":                true,
	"raw.githubusercontent.com": true,
	"releases.astral.sh":        true,
}

// credentialFor is what do sends to u's host: the mirror URL's userinfo
// for that host and port, else the netrc entry for the host name (not for
// publicHosts).
func (f *Fetcher) credentialFor(u *url.URL) (credential, bool) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return credential{}, false
	}
	if c, ok := f.userinfo[u.Host]; ok {
		return c, true
	}
	if publicHosts[strings.ToLower(u.Hostname())] {
		return credential{}, false
	}
	if login, pass, ok := f.netrc.Lookup(u.Hostname()); ok {
		return credential{user: login, pass: pass, from: f.netrc.Path}, true
	}
	return credential{}, false
}
