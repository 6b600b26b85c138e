package shellpath

import "strings"

// prependPathList is list, a Windows PATH (entries separated by ;), with dir
// first, and true; or list and false when an entry already names dir: in
// any case, with or without a trailing separator, once expand has expanded
// its %VARIABLES%.
func prependPathList(list, dir string, expand func(string) string) (string, bool) {
	for _, e := range strings.Split(list, ";") {
		if e = strings.TrimSpace(e); e != "" && samePathEntry(expand(e), dir) {
			return list, false
		}
	}
	if strings.TrimSpace(list) == "" {
		return dir, true
	}
	return dir + ";" + list, true
}

func samePathEntry(a, b string) bool {
	trim := func(s string) string { return strings.TrimRight(s, `\/`) }
	return strings.EqualFold(trim(a), trim(b))
}
