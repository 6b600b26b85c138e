package fetch

import (
	"strings"
	"testing"
)

var netrcSeeds = []string{
	`# a comment
machine Artifactory.example.com login ci password "s3cr et\"x"
macdef init
machine evil.example.com login no password no

machine nexus.example.com
  login  bob
  account ignored
  password hunter2
default login anon password guest
machine late.example.com login late password late
`,
	"machine a login x password y",
	"machine mirror.example.com login alice password s3cret\n",
	"default login anon password guest",
	`machine "quoted host" login "a\tb" password "c\\d\n"`,
	"machine", "machine x login", "login x password y", `"unterminated`, "macdef", "macdef m\nbody\n\nmachine h login l",
	"machine h\r\n\tlogin l\r\n\tpassword p\r\n",
}

// quoteNetrc writes s as a double-quoted netrc token.
func quoteNetrc(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// FuzzParseNetrc checks the netrc reader on any file: no panic; a default
// entry only where the file has a "default" token; each machine named finds
// credentials; and an entry written with quoted tokens, followed by any
// text, reads back as written.
func FuzzParseNetrc(f *testing.F) {
	for _, s := range netrcSeeds {
		f.Add([]byte(s), "mirror.example.com", "alice", "s3cret")
	}
	f.Add([]byte("login x"), "", "bob", "pw")
	f.Fuzz(func(t *testing.T, data []byte, host, login, pass string) {
		n := ParseNetrc(data)
		hasDefault := false
		for _, tok := range netrcTokens(string(data)) {
			if !tok.macdef && tok.s == "default" {
				hasDefault = true
			}
		}
		if n.def != nil && !hasDefault {
			t.Fatalf("ParseNetrc(%q) has a default entry %+v, but the file has no default token", data, *n.def)
		}
		for _, e := range n.machines {
			if e.machine == "" {
				t.Fatalf("ParseNetrc(%q): a machine entry without a name", data)
			}
			if _, _, ok := n.Lookup(e.machine); !ok && (e.login != "" || e.password != "") {
				// The first entry for the name wins; it may be empty.
				first := n.machines[0]
				for _, m := range n.machines {
					if m.machine == e.machine {
						first = m
						break
					}
				}
				if first.login != "" || first.password != "" {
					t.Fatalf("Lookup(%q) found nothing in %q", e.machine, data)
				}
			}
		}

		if host == "" {
			return
		}
		text := "machine " + quoteNetrc(host) + " login " + quoteNetrc(login) + " password " + quoteNetrc(pass) +
			"\nmachine next.invalid " + string(data)
		gotLogin, gotPass, ok := ParseNetrc([]byte(text)).Lookup(host)
		if ok != (login != "" || pass != "") || gotLogin != login || gotPass != pass {
			t.Fatalf("entry for %q written as %q: Lookup = %q %q %v, want %q %q", host, text, gotLogin, gotPass, ok, login, pass)
		}
	})
}

// TestNetrcNamelessMachineIsNoDefault: a "machine" token with an empty name
// (quoted "", or the file's last token) was taken for the default entry, so
// its login went to every host (found by FuzzParseNetrc). It names no host,
// so it is no entry at all.
func TestNetrcNamelessMachineIsNoDefault(t *testing.T) {
	for _, text := range []string{
		`machine "" login ci password secret`,
		"machine a.example.com login a password a\nmachine",
		"machine\nlogin ci password secret",
	} {
		n := ParseNetrc([]byte(text))
		if l, p, ok := n.Lookup("other.example.com"); ok {
			t.Errorf("ParseNetrc(%q).Lookup(other host) = %q %q: a nameless machine became the default", text, l, p)
		}
	}
	n := ParseNetrc([]byte(`machine "" login ci password secret default login anon password guest`))
	if l, p, ok := n.Lookup("other.example.com"); !ok || l != "anon" || p != "guest" {
		t.Errorf("the default entry after a nameless machine: Lookup = %q %q %v", l, p, ok)
	}
}
