// Package config is pyget's one reader of the environment. Every PYGET_*
// variable, the XDG and OS fallbacks of pyget's directories, and what
// update-shell needs to know of the user's shell (SHELL, ZDOTDIR) are read
// and checked here, once, with one syntax per kind of value (booleans,
// seconds, counts), one bound per value and named defaults; a bad value is
// an error naming the variable and the form it accepts. The CLI applies its
// flags over the Settings that Load returns, and passes them on: no other
// package reads PYGET_* variables.
//
// It imports nothing of pyget's but the owners of what it checks: package
// platform (the names PYGET_ARCH may use), package attest (the
// attestations modes) and package fetch (the transfer's defaults and
// bounds). Those never import it: the CLI maps Settings onto them.
package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/platform"
)

// Defaults and bounds of the numeric settings this package owns. The
// transfer's (PYGET_HTTP_RETRIES, PYGET_HTTP_TIMEOUT, PYGET_CONNECTIONS)
// are package fetch's, which owns the transfer: fetch.DefaultRetries,
// fetch.MaxRetries, fetch.DefaultIdleTimeout, fetch.DefaultConnections and
// fetch.MaxConnections.
const (
	DefaultLockTimeout = 10 * time.Minute // PYGET_LOCK_TIMEOUT

	// MaxTimeout bounds both timeouts: a day.
	MaxTimeout = 24 * time.Hour
)

// DefaultGitHubAPIURL is GITHUB_API_URL's default.
const DefaultGitHubAPIURL = "https://api.github.com"

// Settings is pyget's configuration from the environment. Directories are
// absolute, or "" when neither their variable nor a home directory gives
// one (the CLI then asks for the variable or its flag).
type Settings struct {
	// InstallDir: PYGET_INSTALL_DIR, else $XDG_DATA_HOME/pyget/python (an
	// absolute XDG_DATA_HOME only, as the XDG spec says), else on Windows
	// %LOCALAPPDATA%\pyget\python, else ~/.local/share/pyget/python.
	InstallDir string
	// BinDir: PYGET_BIN_DIR, else $XDG_BIN_HOME (absolute only), else
	// ~/.local/bin.
	BinDir string
	// CacheDir: PYGET_CACHE_DIR, else $XDG_CACHE_HOME/pyget (absolute
	// only), else the OS's cache folder: %LOCALAPPDATA%\pyget on Windows,
	// ~/Library/Caches/pyget on macOS, ~/.cache/pyget elsewhere.
	CacheDir string

	// DownloadsJSON: PYGET_DOWNLOADS_JSON, a catalog path or URL replacing
	// the catalog; "" = the default catalog.
	DownloadsJSON string
	// CatalogURL: PYGET_CATALOG_URL, where the default catalog is
	// refreshed from; "" = the catalog's own default URL.
	CatalogURL string
	// Mirrors: PYGET_MIRROR, base URLs separated by white space; nil = the
	// default mirrors. Package fetch checks that it supports them.
	Mirrors []string
	// Offline: PYGET_OFFLINE (a boolean).
	Offline bool
	// NoProgress: PYGET_NO_PROGRESS (a boolean).
	NoProgress bool
	// NoExternallyManaged: PYGET_NO_EXTERNALLY_MANAGED (a boolean): CPython
	// installs get no PEP 668 EXTERNALLY-MANAGED marker.
	NoExternallyManaged bool
	// CompileBytecode: PYGET_COMPILE_BYTECODE (a boolean): installs compile
	// the standard library's bytecode before they are committed.
	CompileBytecode bool
	// NoRegistry: PYGET_NO_REGISTRY (a boolean): on Windows, register no
	// build in the registry (PEP 514).
	NoRegistry bool
	// Arch: PYGET_ARCH, "auto" or an architecture name platform.ParseArch
	// accepts, lower-cased; "" = this machine's.
	Arch string

	// LockTimeout: PYGET_LOCK_TIMEOUT seconds, how long to wait for another
	// pyget holding a build's lock; 0 = no limit. Default
	// DefaultLockTimeout.
	LockTimeout time.Duration
	// HTTPRetries: PYGET_HTTP_RETRIES, how many times an attempt that made
	// no progress is retried before a mirror is given up; 0 = none.
	// Default fetch.DefaultRetries, at most fetch.MaxRetries.
	HTTPRetries int
	// HTTPTimeout: PYGET_HTTP_TIMEOUT seconds without a byte before an
	// attempt counts as stalled. Default fetch.DefaultIdleTimeout.
	HTTPTimeout time.Duration
	// Connections: PYGET_CONNECTIONS, how many segments of one large
	// archive are fetched at once, each on its own connection; 1 = one
	// connection. Default fetch.DefaultConnections, at most
	// fetch.MaxConnections.
	Connections int

	// CPythonBuild: PYGET_CPYTHON_BUILD, a python-build-standalone release
	// tag (8 digits, e.g. 20260610) CPython downloads are restricted to;
	// "" = any release.
	CPythonBuild string

	// PyPyMirrors, GraalPyMirrors: PYGET_PYPY_MIRROR, PYGET_GRAALPY_MIRROR,
	// base URLs separated by white space replacing the prefix of PyPy's
	// (downloads.python.org/pypy) and GraalPy's (GitHub releases) URLs;
	// nil = upstream.
	PyPyMirrors, GraalPyMirrors []string
	// PyPyBuild, GraalPyBuild: PYGET_PYPY_BUILD, PYGET_GRAALPY_BUILD, the
	// release (7.3.20, 25.2.4) PyPy or GraalPy downloads are restricted to,
	// as PYGET_CPYTHON_BUILD for CPython; "" = any.
	PyPyBuild, GraalPyBuild string

	// PythonDownloads: PYGET_PYTHON_DOWNLOADS, whether pyget run may
	// install a missing interpreter (downloads.go). Default
	// DownloadsAutomatic.
	PythonDownloads PythonDownloads

	// ConfigHome: $XDG_CONFIG_HOME (absolute only), else on Windows
	// %APPDATA%, else ~/.config: where users' configuration lives, fish's
	// too.
	ConfigHome string
	// ConfigDir: pyget's configuration, ConfigHome/pyget; it holds the
	// global pin (pin --global).
	ConfigDir string
	// Home: HOME (USERPROFILE on Windows); "" when unset or not an
	// absolute path (a POSIX "/home/u" is not one on Windows).
	Home string
	// LoginShell: SHELL, the path of the user's shell; "" when unset.
	LoginShell string
	// ZDotDir: ZDOTDIR, where zsh reads its startup files, absolute; "" =
	// Home.
	ZDotDir string

	// Path: PATH, as set: the directories commands are looked up in (the
	// store tells whether the bin dir is among them).
	Path string

	// Netrc: NETRC, the netrc file that gives logins for private mirrors,
	// as curl reads it; "" = unset (NetrcFile gives the default).
	Netrc string

	// Attestations: PYGET_ATTESTATIONS, auto (the default), require or
	// off: what installs and pyget mirror do about Sigstore attestations.
	Attestations attest.Mode
	// SigstoreTrustedRoot: PYGET_SIGSTORE_TRUSTED_ROOT, a trusted_root.json
	// replacing Sigstore's public-good root; "" = the public-good root.
	SigstoreTrustedRoot string
	// AttestationIdentity: PYGET_ATTESTATION_IDENTITY, the workflow that
	// must have signed (forks, private builds), in attest.ParseIdentity's
	// form and checked here; "" = python-build-standalone's release
	// workflow.
	AttestationIdentity string
	// GitHubAPIURL: GITHUB_API_URL, GitHub's REST API, where attestations
	// are looked up. Default DefaultGitHubAPIURL.
	GitHubAPIURL string
	// GitHubToken: GITHUB_TOKEN, else GH_TOKEN; sent to the attestations
	// API only. "" = none.
	GitHubToken string

	// CPUProfile: PYGET_CPUPROFILE, a file to write a Go CPU profile of the
	// run to (a development aid); "" = none.
	CPUProfile string
	// NoColor: NO_COLOR is set to anything non-empty (no-color.org).
	NoColor bool

	// Origins: where each file-settable setting came from (LoadFiles).
	Origins Origins
}

// Load reads the environment through getenv (os.Getenv, or a map in
// tests). Every bad value is reported, each naming its variable.
func Load(getenv func(string) string) (Settings, error) {
	return load(getenv, runtime.GOOS)
}

func load(getenv func(string) string, goos string) (Settings, error) {
	return loadWith(getenv, func(name string) string { return name }, goos)
}

// loadWith is load with describe naming where a variable's value came from
// in errors (file.go: a config file's key and line).
func loadWith(getenv, describe func(string) string, goos string) (Settings, error) {
	r := reader{getenv: getenv, describe: describe}
	s := Settings{
		DownloadsJSON: r.str("PYGET_DOWNLOADS_JSON"),
		CatalogURL:    r.word("PYGET_CATALOG_URL"),
		Offline:       r.boolean("PYGET_OFFLINE"),
		NoProgress:    r.boolean("PYGET_NO_PROGRESS"),
		NoRegistry:    r.boolean("PYGET_NO_REGISTRY"),
		Arch:          r.arch("PYGET_ARCH"),
		LockTimeout:   r.seconds("PYGET_LOCK_TIMEOUT", DefaultLockTimeout, true),
		HTTPRetries:   r.count("PYGET_HTTP_RETRIES", fetch.DefaultRetries, fetch.MaxRetries),
		HTTPTimeout:   r.seconds("PYGET_HTTP_TIMEOUT", fetch.DefaultIdleTimeout, false),
		Connections:   r.between("PYGET_CONNECTIONS", fetch.DefaultConnections, 1, fetch.MaxConnections),
		CPythonBuild:  r.releaseTag("PYGET_CPYTHON_BUILD"),
		LoginShell:    r.word("SHELL"),
		CPUProfile:    r.str("PYGET_CPUPROFILE"),
		Attestations:  r.attestations("PYGET_ATTESTATIONS"),
		GitHubAPIURL:  r.httpURL("GITHUB_API_URL"),
		GitHubToken:   r.word("GITHUB_TOKEN"),
		Netrc:         r.str("NETRC"),
		Path:          r.str("PATH"),
		NoColor:       getenv("NO_COLOR") != "",
	}
	s.SigstoreTrustedRoot = r.str("PYGET_SIGSTORE_TRUSTED_ROOT")
	if v := strings.TrimSpace(getenv("PYGET_ATTESTATION_IDENTITY")); v != "" {
		if _, err := attest.ParseIdentity(v); err != nil {
			r.errs = append(r.errs, fmt.Errorf("invalid PYGET_ATTESTATION_IDENTITY: %w", err))
		}
		s.AttestationIdentity = v
	}
	s.NoExternallyManaged = r.boolean("PYGET_NO_EXTERNALLY_MANAGED")
	s.CompileBytecode = r.boolean("PYGET_COMPILE_BYTECODE")
	s.PythonDownloads = r.pythonDownloads("PYGET_PYTHON_DOWNLOADS")
	s.PyPyMirrors, s.GraalPyMirrors = r.urls("PYGET_PYPY_MIRROR"), r.urls("PYGET_GRAALPY_MIRROR")
	s.PyPyBuild, s.GraalPyBuild = r.implBuild("PYGET_PYPY_BUILD"), r.implBuild("PYGET_GRAALPY_BUILD")
	if s.GitHubAPIURL == "" {
		s.GitHubAPIURL = DefaultGitHubAPIURL
	}
	if s.GitHubToken == "" {
		s.GitHubToken = r.word("GH_TOKEN")
	}
	if m := strings.Fields(getenv("PYGET_MIRROR")); len(m) > 0 {
		s.Mirrors = m
	}
	d := dirs{getenv: getenv, goos: goos}
	s.InstallDir = r.dir("PYGET_INSTALL_DIR", d.data)
	s.BinDir = r.dir("PYGET_BIN_DIR", d.bin)
	s.CacheDir = r.dir("PYGET_CACHE_DIR", d.cache)
	s.ConfigHome = r.abs("XDG_CONFIG_HOME", d.configHome())
	if s.ConfigHome != "" {
		s.ConfigDir = filepath.Join(s.ConfigHome, "pyget")
	}
	s.Home = r.abs("HOME", d.home())
	s.ZDotDir = r.abs("ZDOTDIR", r.str("ZDOTDIR"))
	return s, errors.Join(r.errs...)
}

// NetrcFile is the netrc file to read logins from: NETRC, else ~/.netrc
// (curl's and pip's default, on Windows too); "" without a home directory.
func (s Settings) NetrcFile() string {
	if s.Netrc != "" {
		return s.Netrc
	}
	if s.Home == "" {
		return ""
	}
	return filepath.Join(s.Home, ".netrc")
}

// reader parses variables, collecting what is wrong with them.
type reader struct {
	getenv   func(string) string
	describe func(string) string
	errs     []error
}

func (r *reader) bad(name, value, want string) {
	r.errs = append(r.errs, fmt.Errorf("invalid %s %q: want %s", r.describe(name), value, want))
}

// str is a variable taken as it is: paths may have any characters.
func (r *reader) str(name string) string { return r.getenv(name) }

// word is a variable without its surrounding white space.
func (r *reader) word(name string) string { return strings.TrimSpace(r.getenv(name)) }

// httpURL: unset or empty is ""; else an absolute http or https URL.
func (r *reader) httpURL(name string) string {
	v := r.word(name)
	if v == "" {
		return ""
	}
	if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.bad(name, v, "an http or https URL")
		return ""
	}
	return v
}

// boolean: unset or empty is false; 1, true, yes, on are true; 0, false,
// no, off are false; in any case.
func (r *reader) boolean(name string) bool {
	v := r.word(name)
	switch strings.ToLower(v) {
	case "", "0", "false", "no", "off":
		return false
	case "1", "true", "yes", "on":
		return true
	}
	r.bad(name, v, "1, true, yes or on; 0, false, no or off")
	return false
}

// seconds: a number of seconds, fractions allowed (0.5), up to MaxTimeout;
// zero only when zeroOK. Unset or empty gives def.
func (r *reader) seconds(name string, def time.Duration, zeroOK bool) time.Duration {
	v := r.word(name)
	if v == "" {
		return def
	}
	secs, err := strconv.ParseFloat(v, 64)
	low := "above 0"
	if zeroOK {
		low = "from 0"
	}
	if err != nil || math.IsNaN(secs) || secs < 0 || (secs == 0 && !zeroOK) || secs > MaxTimeout.Seconds() {
		r.bad(name, v, fmt.Sprintf("seconds %s to %d (fractions like 0.5 allowed)", low, int(MaxTimeout.Seconds())))
		return def
	}
	return time.Duration(secs * float64(time.Second))
}

// count: a whole number from 0 to max. Unset or empty gives def.
func (r *reader) count(name string, def, max int) int {
	v := r.word(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		r.bad(name, v, fmt.Sprintf("a whole number from 0 to %d", max))
		return def
	}
	return n
}

// between: a whole number from lo to hi. Unset or empty gives def.
func (r *reader) between(name string, def, lo, hi int) int {
	v := r.word(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.bad(name, v, fmt.Sprintf("a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

// attestations: auto, require or off (attest.ParseMode); unset is auto.
func (r *reader) attestations(name string) attest.Mode {
	v := r.word(name)
	m, err := attest.ParseMode(v)
	if err != nil {
		r.bad(name, v, attest.ModeValues)
	}
	return m
}

// releaseTag: a python-build-standalone release tag, 8 digits (YYYYMMDD).
func (r *reader) releaseTag(name string) string {
	v := r.word(name)
	if v == "" {
		return ""
	}
	if len(v) != 8 || strings.Trim(v, "0123456789") != "" {
		r.bad(name, v, "a python-build-standalone release tag, 8 digits like 20260610")
		return ""
	}
	return v
}

// arch: "auto" or a name platform.ParseArch accepts.
func (r *reader) arch(name string) string {
	v := strings.ToLower(r.word(name))
	if v == "" || v == "auto" {
		return v
	}
	if _, _, err := platform.ParseArch(v); err != nil {
		r.errs = append(r.errs, fmt.Errorf("invalid %s: %w", r.describe(name), err))
		return ""
	}
	return v
}

// dir is the variable's directory, else fallback's, made absolute.
func (r *reader) dir(name string, fallback func() string) string {
	d := r.str(name)
	if d == "" {
		d = fallback()
	}
	return r.abs(name, d)
}

// abs is d, a directory the variable name gives (or defaults), made
// absolute; "" stays "".
func (r *reader) abs(name, d string) string {
	if d == "" {
		return ""
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("invalid %s %q: %w", r.describe(name), d, err))
		return ""
	}
	return abs
}

// dirs are the default directories, from XDG variables and the home
// directory.
type dirs struct {
	getenv func(string) string
	goos   string
}

// xdg is an XDG base directory variable: the XDG spec says relative values
// are invalid and must be ignored.
func (d dirs) xdg(name string) string {
	if v := d.getenv(name); filepath.IsAbs(v) {
		return v
	}
	return ""
}

// home is what os.UserHomeDir gives, from getenv; "" when unknown. A
// home that is not an absolute path is unknown too: made absolute it
// would name a folder under the working directory (or, on Windows, a
// POSIX "/home/u" on the current drive), and pyget would install there.
func (d dirs) home(elem ...string) string {
	h := d.getenv("HOME")
	if d.goos == "windows" {
		h = d.getenv("USERPROFILE")
	}
	if !filepath.IsAbs(h) {
		return ""
	}
	return filepath.Join(append([]string{h}, elem...)...)
}

func (d dirs) localAppData(elem ...string) string {
	if v := d.getenv("LOCALAPPDATA"); d.goos == "windows" && v != "" {
		return filepath.Join(append([]string{v}, elem...)...)
	}
	return ""
}

func (d dirs) configHome() string {
	if x := d.xdg("XDG_CONFIG_HOME"); x != "" {
		return x
	}
	if v := d.getenv("APPDATA"); d.goos == "windows" && v != "" {
		return v
	}
	return d.home(".config")
}

func (d dirs) data() string {
	if x := d.xdg("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "pyget", "python")
	}
	if l := d.localAppData("pyget", "python"); l != "" {
		return l
	}
	return d.home(".local", "share", "pyget", "python")
}

func (d dirs) bin() string {
	if x := d.xdg("XDG_BIN_HOME"); x != "" {
		return x
	}
	return d.home(".local", "bin")
}

func (d dirs) cache() string {
	if x := d.xdg("XDG_CACHE_HOME"); x != "" {
		return filepath.Join(x, "pyget")
	}
	switch d.goos {
	case "windows":
		return d.localAppData("pyget")
	case "darwin":
		return d.home("Library", "Caches", "pyget")
	}
	return d.home(".cache", "pyget")
}
