package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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

// A build python-build-standalone did not make is handed over marked so:
// the mode decides (attest's TestNotPBS), not the pipeline.
func TestAttestationMarksOtherBuilds(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	fake := newFakeAttester(attest.Result{Note: "not checked"}, nil)
	in.Attester = fake
	e.Name = "pypy"
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if seen := fake.seen(); len(seen) != 1 || !seen[0].NotPBS || o.Attestation.Note != "not checked" {
		t.Errorf("a pypy build: checked %+v, note %q", seen, o.Attestation.Note)
	}
	fake = newFakeAttester(attest.Result{Verified: true}, nil)
	in.Attester, in.Reinstall, e.Name = fake, true, "cpython"
	if _, err := in.InstallEntry(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if seen := fake.seen(); len(seen) != 1 || seen[0].NotPBS {
		t.Errorf("a cpython build: checked %+v", seen)
	}
}

// blockingAttester's check runs until its context ends, then until the test
// releases it.
type blockingAttester struct {
	cancelled, release chan struct{}
	returned           atomic.Bool
}

func (b *blockingAttester) Check(ctx context.Context, _ attest.Subject) (attest.Result, error) {
	<-ctx.Done()
	close(b.cancelled)
	<-b.release
	b.returned.Store(true)
	return attest.Result{}, ctx.Err()
}

// A failed install ends its check and waits for it: a pyget-attest still
// running when pyget exits would outlive it.
func TestFailedInstallEndsAndWaitsForCheck(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	b := &blockingAttester{cancelled: make(chan struct{}), release: make(chan struct{})}
	in.Attester = b
	e.URL = srv.URL + "/20260610/missing.tar.gz" // a 404: the install fails
	done := make(chan error, 1)
	go func() {
		_, err := in.InstallEntry(context.Background(), e)
		done <- err
	}()
	<-b.cancelled
	// A negative can only be watched for a while: an install that does not
	// wait returns within microseconds of the cancel; one that waits never
	// does while the check is held.
	select {
	case err := <-done:
		t.Fatalf("the install returned (%v) while its check was still running", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(b.release)
	if err := <-done; err == nil {
		t.Fatal("installed from a 404")
	}
	if !b.returned.Load() {
		t.Fatal("the check had not returned when the install did")
	}
}

// gatedAttester refuses once gate is closed.
type gatedAttester struct {
	gate chan struct{}
	err  error
}

func (g *gatedAttester) Check(ctx context.Context, s attest.Subject) (attest.Result, error) {
	select {
	case <-g.gate:
		return attest.Result{}, g.err
	case <-ctx.Done():
		return attest.Result{}, ctx.Err()
	}
}

// countingReader closes at when n bytes have passed.
type countingReader struct {
	r    io.Reader
	n    int64
	at   int64
	once sync.Once
	gate chan struct{}
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	if c.n >= c.at {
		c.once.Do(func() { close(c.gate) })
	}
	return k, err
}

// A refusal that arrives while a paced download is at 10% stops the
// download and the extraction at once (the whole body would take 20 s):
// nothing installed, the refusal is the error, and the partial download is
// kept for the next try.
func TestRefusalStopsTheDownload(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, data := newInstaller(t, srv)
	total := int64(len(data))
	srv.SetPace(total / 20)
	refusal := &attest.Error{Kind: attest.KindVerification, Message: e.Key + ": attestation does not match: signer identity"}
	gate := make(chan struct{})
	in.Attester = &gatedAttester{gate: gate, err: refusal}
	in.extract = func(ctx context.Context, r io.Reader, f archive.Format, dest string, lim archive.Limits) error {
		return archive.Extract(ctx, &countingReader{r: r, at: total / 10, gate: gate}, f, dest, lim)
	}
	_, err := in.InstallEntry(context.Background(), e)
	if !errors.Is(err, attest.ErrVerification) || err.Error() != refusal.Message {
		t.Fatalf("want the refusal, got %v", err)
	}
	if sent := srv.BodyBytesSent(); sent >= total {
		t.Errorf("the whole body was sent (%d bytes): the download was not stopped", sent)
	}
	if _, ok, err := in.Layout.Find(e.Key); ok || err != nil {
		t.Errorf("installed: %v %v", ok, err)
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(in.Layout.InstallDir), "cache", "downloads", "*.part"))
	if len(matches) != 1 {
		t.Fatalf("partials %v, want the one kept", matches)
	}
	if fi, err := os.Stat(matches[0]); err != nil || fi.Size() < total/10 || fi.Size() >= total {
		t.Errorf("partial %v: want between 10%% and all of %d bytes", fi, total)
	}
}
