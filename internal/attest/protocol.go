package attest

import "time"

// ProtocolVersion is the helper protocol this build speaks, sent both
// ways: 2 added the handshake itself (protocol and build versions), the
// signer identity and the transfer settings. A helper answering another
// version, or none, is not used.
const ProtocolVersion = 2

// The helper's operations.
const (
	// OpHello only answers the handshake (and, with Detail, which trusted
	// root the helper would use): pyget --version.
	OpHello = "hello"
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
	// Protocol is ProtocolVersion; PygetVersion the running pyget's build.
	Protocol     int    `json:"protocol"`
	PygetVersion string `json:"pyget_version,omitempty"`
	Op           string `json:"op"`
	// Detail (OpHello): say which trusted root is in use, and its age.
	Detail  bool    `json:"detail,omitempty"`
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
	// Identity is the workflow that must have signed
	// (PYGET_ATTESTATION_IDENTITY, ParseIdentity's form); "" =
	// python-build-standalone's release workflow.
	Identity string `json:"identity,omitempty"`
	// HTTPRetries, HTTPTimeout and Netrc are the transfer settings
	// (PYGET_HTTP_RETRIES, PYGET_HTTP_TIMEOUT, the netrc file) every
	// request is made with, as archives are; nil and 0 = the defaults.
	HTTPRetries *int          `json:"http_retries,omitempty"`
	HTTPTimeout time.Duration `json:"http_timeout,omitempty"`
	Netrc       string        `json:"netrc,omitempty"`
	// Mirrors are the configured mirrors' base URLs: their userinfo is the
	// login for a bundle on their host.
	Mirrors []string `json:"mirrors,omitempty"`
	// Offline (--offline, PYGET_OFFLINE): no network at all; bundles come
	// from the cache or a file:// mirror, the trusted root from the TUF
	// cache or the built-in copy.
	Offline bool `json:"offline,omitempty"`
}

// Response is what the helper writes on stdout: one JSON object.
type Response struct {
	// Protocol is the helper's ProtocolVersion; HelperVersion its build.
	Protocol      int    `json:"protocol"`
	HelperVersion string `json:"helper_version,omitempty"`
	// TrustedRoot (OpHello with Detail): which trusted root verification
	// uses and how old it is, one line.
	TrustedRoot string   `json:"trusted_root,omitempty"`
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
	// KindProtocol: the helper does not speak the request's protocol.
	KindProtocol = "protocol"
)

// ErrorInfo is a failure the helper reports.
type ErrorInfo struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}
