package pyrequest

import (
	"fmt"

	"github.com/pyget/pyget/internal/catalog"
)

// Exact is the request that names e's version exactly, as `pin --resolved`
// writes it: 3.14.6, 3.14.6t, 3.15.0rc1, pypy@3.10.16. It is an error when
// no request of that shape matches e.
func Exact(e catalog.Entry) (string, error) {
	s := e.Version()
	switch e.Variant {
	case "freethreaded":
		s += "t"
	case "debug":
		s += "d"
	case "freethreaded+debug":
		s += "td"
	}
	if e.Name != "cpython" {
		s = e.Name + "@" + s
	}
	if r, err := Parse(s); err != nil || !r.Matches(e, nil) {
		return "", fmt.Errorf("cannot name %s exactly as a request (%q)", e.Key, s)
	}
	return s, nil
}
