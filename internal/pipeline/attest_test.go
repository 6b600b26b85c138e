package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/archive"
	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/faultserver"
)

// fakeAttester answers every check with res, err, and records the subjects.
type fakeAttester struct {
	mu       sync.Mutex
	subjects []attest.Subject
	started  chan struct{} // closed at the first Check
	res      attest.Result
	err      error
}

func newFakeAttester(res attest.Result, err error) *fakeAttester {
	return &fakeAttester{started: make(chan struct{}), res: res, err: err}
}

func (f *fakeAttester) Check(ctx context.Context, s attest.Subject) (attest.Result, error) {
	f.mu.Lock()
	f.subjects = append(f.subjects, s)
	if len(f.subjects) == 1 {
		close(f.started)
	}
	f.mu.Unlock()
	return f.res, f.err
}

func (f *fakeAttester) seen() []attest.Subject {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]attest.Subject(nil), f.subjects...)
}

// The check starts as soon as the digest is known: while the archive is
// being extracted, not after. The extractor here will not finish until the
// check has begun.
func TestAttestationRunsWhileExtracting(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	fake := newFakeAttester(attest.Result{Verified: true, Note: "verified"}, nil)
	in.Attester = fake
	in.AttestMirror = srv.URL + "/m/"
	in.extract = func(ctx context.Context, r io.Reader, f archive.Format, dest string, lim archive.Limits) error {
		select {
		case <-fake.started:
		case <-time.After(time.Minute): // a guard against a hang, not a speed goal
			return errors.New("the attestation check did not start while the archive was extracted")
		}
		return archive.Extract(ctx, r, f, dest, lim)
	}
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Attestation.Verified || o.Attestation.Note != "verified" {
		t.Errorf("outcome's attestation = %+v", o.Attestation)
	}
	got := fake.seen()
	want := attest.Subject{Name: e.Key, Release: "20260610", SHA256: e.SHA256, MirrorURL: srv.URL + "/m/20260610/cpython-3.14.6.tar.gz"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("checked %+v, want once %+v", got, want)
	}
}

// A verification failure aborts the install before the commit: nothing
// new installed, the previous install intact; a warning lets it through.
func TestAttestationFailureInstallsNothing(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	if _, err := in.InstallEntry(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(in.Layout.InstallDir, e.Key, "previous-install")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := &attest.Error{Kind: attest.KindVerification, Message: e.Key + ": attestation does not match: signer identity"}
	in.Attester = newFakeAttester(attest.Result{}, bad)
	in.Reinstall = true
	_, err := in.InstallEntry(context.Background(), e)
	if !errors.Is(err, attest.ErrVerification) {
		t.Fatalf("reinstall with a bad attestation: %v, want ErrVerification", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the previous install was touched: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(in.Layout.InstallDir, ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("staged trees left: %v", leftovers)
	}

	in.Attester = newFakeAttester(attest.Result{Warning: e.Key + ": attestation not verified: HTTP 404"}, nil)
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil || o.Attestation.Warning == "" {
		t.Fatalf("a warning only: %v, %+v", err, o.Attestation)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reinstall did not replace the tree: %v", err)
	}
}

// A local archive is checked too, by the digest of its bytes.
func TestAttestationOfLocalArchive(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, data := newInstaller(t, srv)
	path := filepath.Join(t.TempDir(), "cpython-3.14.6.tar.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fake := newFakeAttester(attest.Result{}, &attest.Error{Kind: attest.KindUnavailable, Message: "required"})
	in.Attester = fake
	want := e.SHA256
	e.SHA256 = "" // the digest is known only once the file is hashed
	if _, err := in.InstallArchive(context.Background(), path, e, ""); !errors.Is(err, attest.ErrUnavailable) {
		t.Fatalf("local archive, attestation refused: %v", err)
	}
	if got := fake.seen(); len(got) != 1 || got[0].SHA256 != want {
		t.Errorf("checked %+v, want the archive's digest %s", got, want)
	}
	if _, ok, _ := in.Layout.Find(e.Key); ok {
		t.Error("installed although the attestation check failed")
	}
}

// Builds that are not python-build-standalone's get a note, no check.
func TestAttestationSkipsOtherBuilds(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	fake := newFakeAttester(attest.Result{}, errors.New("must not be asked"))
	in.Attester = fake
	e.Name = "pypy"
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if len(fake.seen()) != 0 || o.Attestation.Note == "" {
		t.Errorf("a pypy build: checked %+v, note %q", fake.seen(), o.Attestation.Note)
	}
}
