// Package store is pyget's on-disk store of installs: the install directory
// with one folder per build named by its key (and its install record), a
// minor-version link, executables in the bin dir, per-build locks, and
// atomic staging, commit and swap so a final name exists only when its tree
// is complete. It does not download or extract: package pipeline does, and
// every command that changes installs goes through it.
//
// It must never import fetch, archive or pipeline: the pipeline drives it.
package store

import (
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fsutil"
)

// ErrLockTimeout is returned when another pyget held a build's lock for longer
// than the allowed wait.
var ErrLockTimeout = fsutil.ErrLockTimeout

// Layout is where builds and executables live (package config says where
// by default).
type Layout struct {
	InstallDir string // the builds, their minor links and .locks
	BinDir     string // the commands linked to them
	// PathEnv is the PATH the caller's settings read (config.Settings.Path),
	// for OnPATH; the store reads no environment.
	PathEnv string
	// NoRegistry: Link registers no build in the Windows registry (PEP
	// 514). Remove still removes a removed build's entry.
	NoRegistry bool

	// registryCompany replaces RegistryCompany in tests.
	registryCompany string
}

// Record is what an install says about itself, written inside the build
// folder before the folder gets its final name.
type Record struct {
	Entry       catalog.Entry `json:"entry"` // key, version, build tag, URL, platform
	SHA256      string        `json:"sha256"`
	SourceURL   string        `json:"source_url"` // the URL (or file) the bytes came from
	InstalledAt time.Time     `json:"installed_at"`
}

// Installation is a complete install found on disk.
type Installation struct {
	Record
	Dir        string // <InstallDir>/<key>
	Executable string // absolute path of the main interpreter in Dir
}

// Staging is a build being assembled.
type Staging struct {
	Dir string // <InstallDir>/.tmp-<key>-<random>: extract the tree here

	layout Layout
	key    string
	done   bool // committed or aborted

	// How Commit moves trees: exchange (errExchangeUnsupported where the
	// filesystem has none) and rename. Stage sets the real ones; tests
	// replace them to reach the fallback swap and its failure paths.
	exchange func(a, b string) error
	rename   func(from, to string) error
}

// LinkOptions controls executables.
type LinkOptions struct {
	Default bool // also python3 and python
	Force   bool // replace executables pyget did not create
	NoBin   bool // link nothing into BinDir
}

// LinkReport says what Link did.
type LinkReport struct {
	Links   []string // created or updated, absolute paths in BinDir
	Skipped []string // existing files not made by pyget (without Force)
	OnPATH  bool     // BinDir is on $PATH
	// Registered is the PEP 514 key written under HKEY_CURRENT_USER
	// (Windows), "" when none was.
	Registered string
	// RegistryErr is why the registry could not be written (the install
	// is complete and linked anyway).
	RegistryErr error
}
