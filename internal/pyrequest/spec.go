package pyrequest

// versionReq is the version part of a request.
type versionReq struct {
	kind  int // verAny, verPlain or verSpecs
	v     version
	n     int          // release components given (1..3) for verPlain
	specs *[]specifier // verSpecs; a pointer keeps Request comparable
}

const (
	verAny = iota
	verPlain
	verSpecs
)

type specifier struct {
	op       string // ==, !=, <, <=, >, >=, ~=
	v        version
	n        int  // release components written
	wildcard bool // ==3.12.* / !=3.12.*
}

func (q versionReq) matches(c version) bool {
	switch q.kind {
	case verPlain:
		if q.n == 3 {
			// An exact version is exact: 3.13.0 is not 3.13.0rc1.
			return cmpVersion(c, q.v) == 0
		}
		return samePrefix(c, q.v, q.n)
	case verSpecs:
		for _, s := range *q.specs {
			if !s.matches(c) {
				return false
			}
		}
	}
	return true
}

// namesPrerelease reports whether the request opts in to pre-releases, as
// PEP 440 lets a specifier do by naming one (!= excludes, so it does not).
func (q versionReq) namesPrerelease() bool {
	switch q.kind {
	case verPlain:
		return q.v.isPre()
	case verSpecs:
		for _, s := range *q.specs {
			if s.op != "!=" && s.v.isPre() {
				return true
			}
		}
	}
	return false
}

func (s specifier) matches(c version) bool {
	switch s.op {
	case "==":
		if s.wildcard {
			return samePrefix(c, s.v, s.n)
		}
		return cmpVersion(c, s.v) == 0
	case "!=":
		if s.wildcard {
			return !samePrefix(c, s.v, s.n)
		}
		return cmpVersion(c, s.v) != 0
	case "~=":
		return cmpVersion(c, s.v) >= 0 && samePrefix(c, s.v, s.n-1)
	case "<=":
		return cmpVersion(c, s.v) <= 0
	case ">=":
		return cmpVersion(c, s.v) >= 0
	case "<":
		// PEP 440: <3.13 must not admit 3.13's own pre-releases, which
		// would otherwise sort below 3.13.0.
		if !s.v.isPre() && c.isPre() && cmpRelease(c, s.v) == 0 {
			return false
		}
		return cmpVersion(c, s.v) < 0
	case ">":
		return cmpVersion(c, s.v) > 0
	}
	return false
}
