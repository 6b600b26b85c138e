package config

import "strings"

// implBuild: a PyPy or GraalPy release, as the catalog's build field
// names it: numbers separated by dots (7.3.20, 25.2.4); "" = any release.
func (r *reader) implBuild(name string) string {
	v := r.word(name)
	if v == "" {
		return ""
	}
	for _, part := range strings.Split(v, ".") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			r.bad(name, v, "a release such as 7.3.20 (PyPy) or 25.2.4 (GraalPy)")
			return ""
		}
	}
	return v
}

// urls: base URLs separated by white space; nil when unset.
func (r *reader) urls(name string) []string {
	if m := strings.Fields(r.getenv(name)); len(m) > 0 {
		return m
	}
	return nil
}
