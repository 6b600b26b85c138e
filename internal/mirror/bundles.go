package mirror

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/catalog"
)

// BundleSuffix names an archive's attestation bundle beside it:
// <asset>.sigstore.json, where installs from the mirror look for it.
const BundleSuffix = ".sigstore.json"

// Bundler obtains and verifies attestation bundles; *attest.Helper is one
// (through pyget-attest, under the user's mode).
type Bundler interface {
	// Fetch writes the verified bundle for s.SHA256 to path. A Result with
	// a Warning and no error: none could be had, and the mode lets the
	// archive be mirrored without one.
	Fetch(ctx context.Context, s attest.Subject, path string) (attest.Result, error)
	// Verify checks the bundle file at path against s.SHA256, offline.
	Verify(ctx context.Context, s attest.Subject, path string) (attest.Result, error)
}

func subject(e catalog.Entry) attest.Subject {
	return attest.Subject{Name: e.Key, Release: e.Build, SHA256: e.SHA256}
}

// pendingBundle is a bundle being fetched beside its archive.
type pendingBundle struct {
	cancel context.CancelFunc
	done   chan struct{}
	res    attest.Result
	err    error
}

// startBundle fetches e's bundle to bundlePath while the archive is
// fetched, unless there is no Bundler, it is there already, or e's release
// predates attestations; nil then.
func (m *Mirror) startBundle(ctx context.Context, e catalog.Entry, bundlePath string) *pendingBundle {
	if m.Bundles == nil || !attest.Attested(e.Build) {
		return nil
	}
	if _, err := os.Stat(bundlePath); err == nil {
		return nil
	}
	p := &pendingBundle{done: make(chan struct{})}
	ctx, p.cancel = context.WithCancel(ctx)
	go func() {
		defer close(p.done)
		p.res, p.err = m.Bundles.Fetch(ctx, subject(e), bundlePath)
	}()
	return p
}

func (p *pendingBundle) wait() (attest.Result, error) {
	if p == nil {
		return attest.Result{}, nil
	}
	<-p.done
	p.cancel()
	return p.res, p.err
}

// stop ends a fetch whose archive failed, and waits for it: its pyget-attest
// must not outlive pyget.
func (p *pendingBundle) stop() {
	if p != nil {
		p.cancel()
		<-p.done
	}
}

// dropRefused removes an archive whose bundle failed (under require, none
// could be had; in any mode, one failed verification) and anything written
// for its bundle: a mirror serves no archive an install from it would
// refuse, nor one that is not what its publisher signed.
func dropRefused(archivePath string) {
	_ = os.Remove(archivePath)
	_ = os.Remove(archivePath + BundleSuffix)
}

// removeBundle removes rel's bundle with its archive (pruning): a bundle
// alone serves nobody. A missing one is fine.
func (m *Mirror) removeBundle(rel string) {
	_ = os.Remove(m.path(rel) + BundleSuffix)
}

// checkBundle verifies rel's bundle when there is one; "" when it is fine
// or absent, else what is wrong.
func (m *Mirror) checkBundle(ctx context.Context, e catalog.Entry, rel string) string {
	if m.Bundles == nil {
		return ""
	}
	path := m.path(rel) + BundleSuffix
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if _, err := m.Bundles.Verify(ctx, subject(e), path); err != nil {
		return "attestation bundle: " + err.Error()
	}
	return ""
}
