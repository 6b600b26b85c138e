package pipeline

import (
	"context"
	"errors"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
)

// Attester checks a CPython archive's provenance by its digest.
// *attest.Helper is one (it runs pyget-attest, under the user's mode);
// tests use fakes. A nil error means the install may proceed; the Result
// carries the warning or note to show.
type Attester interface {
	Check(ctx context.Context, s attest.Subject) (attest.Result, error)
}

// attestation is a check running beside the fetch and extraction.
type attestation struct {
	sha    string
	cancel context.CancelFunc
	done   chan struct{}
	res    attest.Result
	err    error
}

// startAttestation starts checking e's archive, whose digest is sha, when
// an Attester is set and the digest known; nil otherwise. A build that is
// not python-build-standalone's is marked so: the Attester's mode decides
// (a note, or under require a refusal). A refusal is passed to onRefusal
// (when not nil) the moment it comes: the download and extraction beside
// it stop at once rather than run to the end for nothing.
func (in *Installer) startAttestation(ctx context.Context, e catalog.Entry, sha string, onRefusal context.CancelCauseFunc) *attestation {
	if in.Attester == nil || sha == "" {
		return nil
	}
	a := &attestation{sha: sha, done: make(chan struct{})}
	ctx, a.cancel = context.WithCancel(ctx)
	s := attest.Subject{Name: e.Key, Release: e.Build, SHA256: sha, MirrorURL: in.attestMirrorURL(e.URL), NotPBS: e.Name != "cpython"}
	go func() {
		defer close(a.done)
		a.res, a.err = in.Attester.Check(ctx, s)
		if a.err != nil && ctx.Err() == nil && onRefusal != nil {
			onRefusal(a.err)
		}
	}()
	return a
}

// refusalOr is the check's refusal when it has come (the fill that failed
// was most likely stopped by it, and it is the reason), else err.
func (a *attestation) refusalOr(err error) error {
	if a == nil {
		return err
	}
	select {
	case <-a.done:
		if a.err != nil && !errors.Is(a.err, context.Canceled) {
			return a.err
		}
	default:
	}
	return err
}

// stop ends a check nobody will wait for (the install failed or is done),
// and waits until it has ended: a pyget-attest still running when pyget
// exits would outlive it (the kill comes from a goroutine of os/exec's that
// exit does not wait for). Safe on nil and after wait.
func (a *attestation) stop() {
	if a != nil {
		a.cancel()
		<-a.done
	}
}

// waitAttestation gives the verdict on the archive that was extracted,
// whose digest is sha: the running check's when it was about these bytes,
// else (a local archive whose digest was not known up front) a check
// started now. With no Attester, the verdict is a yes.
func (in *Installer) waitAttestation(ctx context.Context, a *attestation, e catalog.Entry, sha string) (attest.Result, error) {
	if in.Attester == nil {
		return attest.Result{}, nil
	}
	if a == nil || a.sha != sha {
		a.stop()
		a = in.startAttestation(ctx, e, sha, nil)
		if a == nil {
			return attest.Result{}, nil
		}
		defer a.stop()
	}
	select {
	case <-a.done:
		return a.res, a.err
	case <-ctx.Done():
		return attest.Result{}, ctx.Err()
	}
}

// attestMirrorURL is where the mirror that serves archives first
// (AttestMirror) keeps catalogURL's archive, by fetch's one mapping: its
// bundle is that URL + ".sigstore.json". "" when there is no such mirror
// or the URL is not python-build-standalone's.
func (in *Installer) attestMirrorURL(catalogURL string) string {
	if in.AttestMirror == "" {
		return ""
	}
	if _, ok := fetch.ReleasePath(catalogURL); !ok {
		return "" // PyPy's and GraalPy's mirrors are others; no bundles there
	}
	u, _ := fetch.OnMirror(in.AttestMirror, catalogURL)
	return u
}
