package fetch

import "strings"

// The prefixes of PyPy's and GraalPy's URLs in the catalog, which
// Config.PyPyMirrors and Config.GraalPyMirrors replace (uv's
// UV_PYPY_INSTALL_MIRROR replaces the same PyPy prefix).
const (
	PyPyUpstreamPrefix    = "https://downloads.python.org/pypy"
	GraalPyUpstreamPrefix = "https://github.com/oracle/graalpython/releases/download"
)

// implSources lists the URLs to try for a PyPy or GraalPy URL when mirrors
// are configured for it; ok is false for any other URL, or without mirrors
// (the URL is then fetched as it is).
func (f *Fetcher) implSources(u string) (out []string, ok bool) {
	for _, impl := range []struct {
		prefix  string
		mirrors []string
	}{
		{PyPyUpstreamPrefix, f.cfg.PyPyMirrors},
		{GraalPyUpstreamPrefix, f.cfg.GraalPyMirrors},
	} {
		rest, found := strings.CutPrefix(u, impl.prefix)
		if !found || len(impl.mirrors) == 0 || rest != "" && rest[0] != '/' {
			continue
		}
		seen := map[string]bool{}
		for _, m := range impl.mirrors {
			s := strings.TrimRight(m, "/") + rest
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}
