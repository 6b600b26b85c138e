package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/archive"
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/store"
	"github.com/pyget/pyget/internal/testutil"
)

// fakeBlob is the size of fakeArchive's incompressible file: its tree takes
// a little more than this on disk.
const fakeBlob = 4 << 20

// fakeArchive is an install_only tree for this OS with a runnable
// interpreter (bin/python3.14, or python.exe on Windows) and a large
// incompressible file, so faults can land in the middle of the body. Built
// once: the Windows one holds a test binary.
func fakeArchive(t *testing.T) []byte {
	t.Helper()
	fakeArchiveOnce.Do(func() {
		fakeArchiveData = testutil.TarGz(t, testutil.FakeCPython{Version: "3.14.6", Blob: fakeBlob}.Entries())
	})
	return fakeArchiveData
}

var (
	fakeArchiveOnce sync.Once
	fakeArchiveData []byte
)

// hostKey is the catalog key of CPython version v built for this OS.
func hostKey(v string) string { return "cpython-" + v + "-" + testutil.HostSuffix() }

func newInstaller(t *testing.T, srv *faultserver.Server) (*Installer, catalog.Entry, []byte) {
	t.Helper()
	return newInstallerWithClient(t, srv, srv.Client())
}

// newInstallerWithClient is newInstaller whose fetcher sends its requests
// through client.
func newInstallerWithClient(t *testing.T, srv *faultserver.Server, client *http.Client) (*Installer, catalog.Entry, []byte) {
	t.Helper()
	data := fakeArchive(t)
	sum := sha256.Sum256(data)
	srv.SetFile("/20260610/cpython-3.14.6.tar.gz", data)
	dir := t.TempDir()
	cfg := fetch.Config{
		CacheDir:  filepath.Join(dir, "cache"),
		Mirrors:   []string{srv.URL},
		Retries:   fetch.DefaultRetries,
		BaseDelay: time.Millisecond,
		MaxDelay:  5 * time.Millisecond,
		Client:    client,
	}
	if segmentsForTests {
		// Segments at the first response's headers, on loopback where
		// the warm-up gate would keep one connection.
		cfg.Connections, cfg.SegmentThreshold, cfg.SegmentWarmup = 4, 64<<10, -1
	}
	f, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := catalog.Entry{
		Key: hostKey("3.14.6"), Name: "cpython", OS: testutil.HostOS(), Libc: testutil.HostLibc(),
		Arch: catalog.Arch{Family: "x86_64"}, Major: 3, Minor: 14, Patch: 6, Build: "20260610",
		URL:    fetch.UpstreamPrefix + "/20260610/cpython-3.14.6.tar.gz",
		SHA256: hex.EncodeToString(sum[:]),
	}
	in := &Installer{
		Layout:  store.Layout{InstallDir: filepath.Join(dir, "pythons"), BinDir: filepath.Join(dir, "bin")},
		Fetcher: f,
	}
	return in, e, data
}

// segmentsForTests makes newInstaller's fetcher fetch in segments:
// TestWithSegments runs the fault tests again that way. No test in this
// package calls t.Parallel, so a variable does.
var segmentsForTests bool

// TestWithSegments runs the fault, crash and concurrency tests again with
// segments on (issue #14): the archive in segments from the first
// response's headers.
func TestWithSegments(t *testing.T) {
	segmentsForTests = true
	defer func() { segmentsForTests = false }()
	for name, fn := range segmentedTests {
		t.Run(name, fn)
	}
}

// segmentedTests are the tests TestWithSegments runs (platform-specific
// files add theirs).
var segmentedTests = map[string]func(*testing.T){
	"InstallSurvivesRestartUnderExtractor":  TestInstallSurvivesRestartUnderExtractor,
	"FailedReinstallKeepsPrevious":          TestFailedReinstallKeepsPrevious,
	"CorruptCachedArchiveIsDownloadedAgain": TestCorruptCachedArchiveIsDownloadedAgain,
	"FlippedByteEarlyInTheBody":             TestFlippedByteEarlyInTheBody,
	"ZipArchiveAndItsCache":                 TestZipArchiveAndItsCache,
	"AttestationRunsWhileExtracting":        TestAttestationRunsWhileExtracting,
	"AttestationFailureInstallsNothing":     TestAttestationFailureInstallsNothing,
	"UpgradeMovesLinksAndKeepsPrevious":     TestUpgradeMovesLinksAndKeepsPrevious,
	"UpgradeAndUninstallAtOnce":             TestUpgradeAndUninstallAtOnce,
	"UninstallTakesTheLock":                 TestUninstallTakesTheLock,
	"InstallArchiveOutcome":                 TestInstallArchiveOutcome,
}

// flipLanded reports whether a request in log whose response carries the
// byte at was answered with a flipped byte.
func flipLanded(log []faultserver.Logged, at int64) bool {
	for _, l := range log {
		if rangeCovers(l.Range, at) && l.Fault == faultserver.FlipByte {
			return true
		}
	}
	return false
}

// rangeCovers reports whether a Range header value "bytes=first-last"
// asks for the byte at.
func rangeCovers(header string, at int64) bool {
	var first, last int64
	n, _ := fmt.Sscanf(header, "bytes=%d-%d", &first, &last)
	return n == 2 && first <= at && at <= last
}

// flipOnce picks the response that carries the flipped byte at: the first
// whose request covers it (with ranged set, the first ranged one: with
// segments the whole-file response is left unread). Once that response has
// its headers it ends the server's repeated fault: the server chose that
// response's fault before it sent them, so exactly that response is
// flipped, and any later request for the byte (the download after the
// digest mismatch, which begins only once this response was read) is not,
// however the scheduler runs the goroutines. It then holds that body just
// past the byte until read opens: so the extractor reads the damaged byte
// before the transfer can finish, see the mismatch and start again (a
// reader that has read nothing moves to the new download unharmed, which
// under load left the test with one extraction).
type flipOnce struct {
	next   http.RoundTripper
	srv    *faultserver.Server
	at     int64
	ranged bool
	read   <-chan struct{}
	picked atomic.Bool
}

func (f *flipOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	from := int64(0)
	if h := req.Header.Get("Range"); h != "" || f.ranged {
		if !rangeCovers(h, f.at) {
			return resp, nil
		}
		fmt.Sscanf(h, "bytes=%d-", &from)
	}
	if !f.picked.CompareAndSwap(false, true) {
		return resp, nil
	}
	f.srv.Repeat(faultserver.Fault{})
	resp.Body = &holdPast{ReadCloser: resp.Body, left: f.at - from + 1, open: f.read, ctx: req.Context()}
	return resp, nil
}

// holdPast passes left bytes, then blocks until open is closed.
type holdPast struct {
	io.ReadCloser
	left int64
	open <-chan struct{}
	ctx  context.Context
}

func (h *holdPast) Read(p []byte) (int, error) {
	if h.left <= 0 {
		select {
		case <-h.open:
		case <-h.ctx.Done():
			return 0, h.ctx.Err()
		}
	}
	n, err := h.ReadCloser.Read(p)
	h.left -= int64(n)
	return n, err
}

// readPast calls past once more than at bytes were read from it.
type readPast struct {
	io.Reader
	at, n int64
	past  func()
}

func (r *readPast) Read(p []byte) (int, error) {
	n, err := r.Reader.Read(p)
	if r.n += int64(n); r.n > r.at {
		r.past()
	}
	return n, err
}

// countExtractions makes in count the extractions it starts.
func countExtractions(in *Installer) *atomic.Int32 {
	var n atomic.Int32
	in.extract = func(ctx context.Context, r io.Reader, f archive.Format, dest string, lim archive.Limits) error {
		n.Add(1)
		return archive.Extract(ctx, r, f, dest, lim)
	}
	return &n
}

func runPython(t *testing.T, inst store.Installation) {
	t.Helper()
	out, err := exec.Command(inst.Executable).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "Python 3.14.6" {
		t.Fatalf("installed interpreter: %q, %v", out, err)
	}
}

// A transfer that restarts from byte zero underneath the extractor (the
// server ignored Range after a reset) must not leave a tree mixing two
// downloads: extraction starts over and the result is verified.
func TestInstallSurvivesRestartUnderExtractor(t *testing.T) {
	for _, proto := range []faultserver.Proto{faultserver.HTTP1, faultserver.HTTP2} {
		t.Run(proto.String(), func(t *testing.T) {
			srv := faultserver.New(proto, map[string][]byte{})
			defer srv.Close()
			in, e, data := newInstaller(t, srv)
			if segmentsForTests {
				// The first response only hands the rest to segments,
				// unread; the first segment request is reset mid-body
				// and that segment resumes. Which later request would
				// meet a scripted whole file is a race between the
				// segments, so the restart from zero under the
				// extractor is not forced here: with segments it is
				// TestFlippedByteEarlyInTheBody's (a digest mismatch
				// restarts the transfer under the extractor).
				// The reset comes early in its response: a connection
				// that finishes takes half of the busiest segment but
				// leaves its holder at least a read's worth (256 KiB)
				// past the byte it is at, so no split, however the
				// scheduler orders the connections, can end this
				// response before the reset reaches the client (at
				// 512 KiB, two splits did under load).
				srv.Script(faultserver.Fault{}, faultserver.Fault{Kind: faultserver.ResetMidBody, At: 64 << 10})
			} else {
				srv.Script(
					faultserver.Fault{Kind: faultserver.ResetMidBody, At: 3 << 20},
					faultserver.Fault{Kind: faultserver.IgnoreRange},
					faultserver.Fault{Kind: faultserver.CloseMidBody, At: 1 << 20},
				)
			}
			o, err := in.InstallEntry(context.Background(), e)
			if err != nil {
				t.Fatal(err)
			}
			wantFaults := 2
			if segmentsForTests {
				wantFaults = 1
			}
			if o.Transfer.Faults < wantFaults {
				t.Errorf("faults = %d, want at least %d:\n%v", o.Transfer.Faults, wantFaults, srv.Requests())
			}
			runPython(t, o.Installation)
			got, err := os.ReadFile(filepath.Join(o.Installation.Dir, "lib", "blob.bin"))
			if err != nil || len(got) != fakeBlob {
				t.Fatalf("blob: %d bytes, %v", len(got), err)
			}
			if want := srv.URL + "/20260610/cpython-3.14.6.tar.gz"; o.Installation.SourceURL != want {
				t.Errorf("recorded source %q, want the mirror's URL %q", o.Installation.SourceURL, want)
			}
			if o.Transfer.SHA256 != e.SHA256 || o.Transfer.Size != int64(len(data)) {
				t.Errorf("transfer result %+v", o.Transfer)
			}
			leftovers, _ := filepath.Glob(filepath.Join(in.Layout.InstallDir, ".tmp-*"))
			if len(leftovers) != 0 {
				t.Errorf("temp dirs left: %v", leftovers)
			}
		})
	}
}

// A permanent failure leaves no install and no temp dir, and keeps an
// existing install of the same build working.
func TestFailedReinstallKeepsPrevious(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	first, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	// Drop the cached archive so the reinstall must download, then break it.
	if err := os.RemoveAll(filepath.Dir(first.Transfer.Path)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.Transfer.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("cached archive still there: %v", err)
	}
	in.Reinstall = true
	before := len(srv.Requests())
	srv.Script(faultserver.Fault{Kind: faultserver.Status, Code: 404})
	if _, err := in.InstallEntry(context.Background(), e); err == nil {
		t.Fatal("reinstall against a 404 succeeded")
	}
	if log := srv.Requests()[before:]; len(log) != 1 || log[0].Status != 404 {
		t.Fatalf("reinstall requests %+v, want the one 404", log)
	}
	runPython(t, first.Installation)
	leftovers, _ := filepath.Glob(filepath.Join(in.Layout.InstallDir, ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temp dirs left: %v", leftovers)
	}
}

// Installed already: nothing is fetched.
func TestAlreadyInstalledNeedsNoNetwork(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	in, e, _ := newInstaller(t, srv)
	if _, err := in.InstallEntry(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil || !o.Already {
		t.Fatalf("second install: already=%v err=%v", o.Already, err)
	}
}

// A cached archive damaged on disk (say by a power cut after it was
// renamed into the cache) is caught while it is extracted, removed, and
// downloaded again.
func TestCorruptCachedArchiveIsDownloadedAgain(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, data := newInstaller(t, srv)
	first, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	cached := first.Transfer.Path
	in.Reinstall = true
	// Undamaged, the cached archive serves a reinstall without a request.
	reinstallFromCache(t, in, e, srv)
	damage(t, cached, data, len(data)/2)
	before := len(srv.Requests())
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if o.Transfer.FromCache {
		t.Fatalf("the damaged cache was used: %+v", o.Transfer)
	}
	wantFullDownload(t, srv.Requests()[before:], "/20260610/cpython-3.14.6.tar.gz", len(data))
	runPython(t, o.Installation)
	if got, err := os.ReadFile(cached); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("cache not repaired: %v", err)
	}
}

// A byte flipped in transit early in the body makes the extractor fail
// before the transfer notices the digest and downloads again; the install
// must still succeed from the verified archive.
func TestFlippedByteEarlyInTheBody(t *testing.T) {
	for _, at := range []int64{12, 100, 400, 64 << 10, 2 << 20} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			if segmentsForTests && at >= 1<<20 {
				// Past the first segment the byte may fall in a half a
				// split took from the response the flip was scripted
				// on: nothing certain to test. Early bytes, the point
				// of this test, are in segment 0.
				t.Skip("with segments the flip past the first segment may land in a split-off half")
			}
			srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
			defer srv.Close()
			flip := faultserver.Fault{Kind: faultserver.FlipByte, At: at}
			if segmentsForTests {
				// The flip (at a file offset) lands in the response that
				// carries that byte, whichever request of the segments
				// it is; flipOnce stops it as soon as that response has
				// begun, so the download after the mismatch is clean
				// (a second mismatch would be final). A watcher polling
				// the request log did this before, and under load it
				// woke only after the second download had asked for the
				// byte again.
				srv.Repeat(flip)
			} else {
				srv.Script(flip)
			}
			read := make(chan struct{})
			var readOnce sync.Once
			readIt := func() { readOnce.Do(func() { close(read) }) }
			client := *srv.Client()
			client.Transport = &flipOnce{next: client.Transport, srv: srv, at: at, ranged: segmentsForTests, read: read}
			in, e, _ := newInstallerWithClient(t, srv, &client)
			extractions := countExtractions(in)
			counted := in.extract
			in.extract = func(ctx context.Context, r io.Reader, f archive.Format, dest string, lim archive.Limits) error {
				// An extraction that ends, however, lets the transfer go on.
				defer readIt()
				return counted(ctx, &readPast{Reader: r, at: at, past: readIt}, f, dest, lim)
			}
			o, err := in.InstallEntry(context.Background(), e)
			if err != nil {
				t.Fatal(err)
			}
			runPython(t, o.Installation)
			if !flipLanded(srv.Requests(), at) && segmentsForTests {
				// (Without segments the one scripted request is flipped.)
				t.Errorf("no response carrying byte %d was flipped:\n%v", at, srv.Requests())
			}
			// The damaged bytes were read once, the verified ones again.
			if n := extractions.Load(); n < 2 {
				t.Errorf("extracted %d times, want the damaged read and a clean one", n)
			}
		})
	}
}

// Zip archives (the catalog's Windows PyPy and GraalPy builds) wait for the
// verified file; a damaged cached zip is caught and downloaded again too.
func TestZipArchiveAndItsCache(t *testing.T) {
	data := testutil.Zip(t, testutil.FakeCPython{Version: "3.14.6"}.Entries())
	sum := sha256.Sum256(data)

	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	srv.SetFile("/20260610/cpython-3.14.6.zip", data)
	e.URL = fetch.UpstreamPrefix + "/20260610/cpython-3.14.6.zip"
	e.SHA256 = hex.EncodeToString(sum[:])
	first, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	// Whatever the exec bits became, the test runs the script through sh
	// (Windows has no exec bits: python.exe runs).
	run := exec.Command("sh", first.Installation.Executable)
	if runtime.GOOS == "windows" {
		run = exec.Command(first.Installation.Executable)
	}
	if out, err := run.Output(); err != nil || strings.TrimSpace(string(out)) != "Python 3.14.6" {
		t.Fatalf("installed from zip: %q, %v", out, err)
	}
	in.Reinstall = true
	reinstallFromCache(t, in, e, srv)
	damage(t, first.Transfer.Path, data, len(data)/3)
	before := len(srv.Requests())
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if o.Transfer.FromCache {
		t.Fatalf("the damaged cached zip was used: %+v", o.Transfer)
	}
	wantFullDownload(t, srv.Requests()[before:], "/20260610/cpython-3.14.6.zip", len(data))
	if got, _ := os.ReadFile(first.Transfer.Path); !bytes.Equal(got, data) {
		t.Fatal("cache not repaired")
	}
}

// reinstallFromCache checks that a reinstall of e uses its cached archive
// and asks the server nothing: the baseline a damaged cache must differ from.
func reinstallFromCache(t *testing.T, in *Installer, e catalog.Entry, srv *faultserver.Server) {
	t.Helper()
	before := len(srv.Requests())
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Transfer.FromCache || len(srv.Requests()) != before {
		t.Fatalf("reinstall with an intact cache: %+v, %d requests", o.Transfer, len(srv.Requests())-before)
	}
}

// damage flips the byte at off of the cached archive at path, which must
// hold data, and checks that the file changed.
func damage(t *testing.T, path string, data []byte, off int) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("cached archive before the damage: %d bytes, %v", len(got), err)
	}
	damaged := append([]byte(nil), data...)
	damaged[off] ^= 0xff
	if err := os.WriteFile(path, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, damaged) {
		t.Fatalf("the damage did not take: %v", err)
	}
}

// wantFullDownload checks that log is one request for the whole file at path.
func wantFullDownload(t *testing.T, log []faultserver.Logged, path string, size int) {
	t.Helper()
	if segmentsForTests && size >= 64<<10 {
		// One download: a request from zero whose rest went in
		// segments, each range asked once.
		asked := map[string]bool{}
		for i, l := range log {
			bounded := strings.HasPrefix(l.Range, "bytes=") && !strings.HasSuffix(l.Range, "-")
			if l.Path != path || (i == 0) != (l.Range == "") || i > 0 && (!bounded || asked[l.Range]) {
				t.Fatalf("requests %+v, want one download of %s: a request from zero, then segments", log, path)
			}
			asked[l.Range] = true
		}
		if len(log) < 2 {
			t.Fatalf("requests %+v, want segments", log)
		}
		return
	}
	if len(log) != 1 || log[0].Path != path || log[0].Range != "" || log[0].Status != 200 || log[0].BytesSent != int64(size) {
		t.Fatalf("requests %+v, want one whole download of %s", log, path)
	}
}

// A local archive is hashed while it is extracted; its outcome says so
// without pretending to be a download.
func TestInstallArchiveOutcome(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, data := newInstaller(t, srv)
	path := filepath.Join(t.TempDir(), "cpython-3.14.6.tar.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := in.InstallArchive(context.Background(), path, e, e.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	runPython(t, o.Installation)
	if o.Transfer != nil {
		t.Errorf("a local archive reports a transfer: %+v", o.Transfer)
	}
	if o.Installation.SourceURL != path || o.Installation.SHA256 != e.SHA256 || o.Size != int64(len(data)) {
		t.Errorf("outcome: source %q, sha256 %s, size %d; want %s, %s, %d",
			o.Installation.SourceURL, o.Installation.SHA256, o.Size, path, e.SHA256, len(data))
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("a local archive made %d requests", len(srv.Requests()))
	}

	// A digest that does not match leaves the install as it was.
	in.Reinstall = true
	_, err = in.InstallArchive(context.Background(), path, e, strings.Repeat("ab", 32))
	if !errors.Is(err, ErrDigestMismatch) {
		t.Fatalf("want ErrDigestMismatch, got %v", err)
	}
	got, ok, err := in.Layout.Find(e.Key)
	if err != nil || !ok || !got.InstalledAt.Equal(o.Installation.InstalledAt) {
		t.Fatalf("install after the refused reinstall: %+v %v %v", got, ok, err)
	}

	// A damaged local archive says what was being installed, where, and
	// which file is at fault.
	damaged := filepath.Join(t.TempDir(), "damaged.tar.gz")
	if err := os.WriteFile(damaged, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = in.InstallArchive(context.Background(), damaged, e, "")
	want := "installing " + e.Key + " into " + in.Layout.InstallDir + ": extracting " + damaged + ": "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("damaged archive: %v, want an error starting %q", err, want)
	}
}

// Uninstall takes the build's lock like an install: it waits for a holder,
// gives up after LockTimeout, and removes nothing without the lock.
func TestUninstallTakesTheLock(t *testing.T) {
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{})
	defer srv.Close()
	in, e, _ := newInstaller(t, srv)
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	release, err := in.Layout.Lock(context.Background(), e.Key, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var waited []string
	in.OnWait = func(key string) { waited = append(waited, key) }
	in.LockTimeout = 100 * time.Millisecond
	if err := in.Uninstall(context.Background(), e.Key); !errors.Is(err, store.ErrLockTimeout) {
		t.Errorf("Uninstall under a held lock: %v, want ErrLockTimeout", err)
	}
	if len(waited) != 1 || waited[0] != e.Key {
		t.Errorf("OnWait calls: %v", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in.LockTimeout = 0
	if err := in.Uninstall(ctx, e.Key); !errors.Is(err, context.Canceled) {
		t.Errorf("Uninstall with a cancelled context under a held lock: %v", err)
	}
	if _, ok, _ := in.Layout.Find(e.Key); !ok {
		t.Fatal("removed without the lock")
	}
	release()

	if err := in.Uninstall(context.Background(), e.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(o.Installation.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("build dir still there: %v", err)
	}
	for _, l := range o.Links.Links {
		if _, err := os.Lstat(l); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("command %s still there: %v", l, err)
		}
	}
	if err := in.Uninstall(context.Background(), e.Key); !errors.Is(err, store.ErrNotInstalled) {
		t.Errorf("second Uninstall: %v, want ErrNotInstalled", err)
	}
}
