package fetch

// The prefixes of PyPy's and GraalPy's URLs in the catalog, which
// Config.PyPyMirrors and Config.GraalPyMirrors replace (uv's
// UV_PYPY_INSTALL_MIRROR replaces the same PyPy prefix); UpstreamPath
// maps them as it maps UpstreamPrefix.
const (
	PyPyUpstreamPrefix    = "https://downloads.python.org/pypy"
	GraalPyUpstreamPrefix = "https://github.com/oracle/graalpython/releases/download"
)
