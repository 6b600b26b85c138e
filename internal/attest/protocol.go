package attest

// The helper's operations.
const (
	// OpCheck applies Request.Mode to Request.Subject (installs).
	OpCheck = "check"
	// OpFetch obtains and verifies the bundle for Subject.SHA256 (cache or
	// GitHub's API, never a mirror) and writes it to BundlePath atomically
	// (pyget mirror).
	OpFetch = "fetch"
	// OpVerify verifies the bundle file BundlePath against Subject.SHA256,
	// offline (pyget mirror --check).
	OpVerify = "verify"
)

// Subject is the build an operation is about.
type Subject struct {
	// Name is how messages call the build (the catalog key).
	Name string `json:"name"`
	// Release is the python-build-standalone release tag ("20250212"); ""
	// when unknown.
	Release string `json:"release,omitempty"`
	SHA256  string `json:"sha256"`
	// MirrorURL is the archive's URL on the mirror that serves it: its
	// bundle is looked for at MirrorURL + ".sigstore.json". "" = none.
	MirrorURL string `json:"mirror_url,omitempty"`
	// NotPBS marks a build python-build-standalone did not make (PyPy,
	// GraalPy): there is nothing to look up, and Require refuses it.
	NotPBS bool `json:"-"`
}

// Request is what pyget sends the helper on stdin: one JSON object.
type Request struct {
	Op      string  `json:"op"`
	Mode    Mode    `json:"mode"`
	Subject Subject `json:"subject"`
	// BundlePath: OpFetch writes the bundle there, OpVerify reads it.
	BundlePath string `json:"bundle_path,omitempty"`
	Settings
}

// Settings are what the helper needs of pyget's configuration; the CLI
// fills them from package config (GITHUB_API_URL, GITHUB_TOKEN or GH_TOKEN,
// PYGET_SIGSTORE_TRUSTED_ROOT, the cache dir).
type Settings struct {
	CacheDir        string `json:"cache_dir,omitempty"`
	APIURL          string `json:"api_url,omitempty"`
	Token           string `json:"token,omitempty"`
	TrustedRootPath string `json:"trusted_root,omitempty"`
	UserAgent       string `json:"user_agent,omitempty"`
	// Repo is the owner/name whose workflows must have signed; "" =
	// astral-sh/python-build-standalone.
	Repo string `json:"repo,omitempty"`
	// Offline (--offline, PYGET_OFFLINE): no network at all; bundles come
	// from the cache or a file:// mirror, the trusted root from the TUF
	// cache or the built-in copy.
	Offline bool `json:"offline,omitempty"`
}

// Response is what the helper writes on stdout: one JSON object.
type Response struct {
	Verified    bool     `json:"verified"`
	Attestation *Summary `json:"attestation,omitempty"`
	// Warning: one line to show (Auto, no bundle).
	Warning string `json:"warning,omitempty"`
	// Note: one line for -v.
	Note  string     `json:"note,omitempty"`
	Error *ErrorInfo `json:"error,omitempty"`
}

// Summary is what a verified attestation says, for -v.
type Summary struct {
	SignerIdentity string `json:"signer_identity"`
	SourceRepo     string `json:"source_repo,omitempty"`
	SourceCommit   string `json:"source_commit,omitempty"`
	// Source is where the bundle came from (cache, a mirror URL, GitHub's
	// API).
	Source string `json:"source,omitempty"`
	// Detail is the whole story on one line (evidence, trusted root).
	Detail string `json:"detail"`
}

// The kinds of ErrorInfo.
const (
	KindUnavailable  = "unavailable"
	KindVerification = "verification"
	KindOther        = "other"
)

// ErrorInfo is a failure the helper reports.
type ErrorInfo struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}
