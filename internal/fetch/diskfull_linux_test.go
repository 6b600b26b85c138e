package fetch

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyget/pyget/internal/testutil"
)

func init() { platformSegmentedTests["DiskFull"] = TestDiskFullStopsTransferAndMirrors }

// A cache on a full disk: the first write that fails with ENOSPC ends the
// transfer at once. No retry (one request in all), no next mirror (a new
// mirror cannot free the disk), nothing under the archive's final name, and
// an error that says what (no space left) and where (the partial's path).
func TestDiskFullStopsTransferAndMirrors(t *testing.T) {
	testutil.Tmpfs(t, "1m", func(cache string) {
		data := archiveData(4<<20, 15) // four times the filesystem
		first := newFileServer(t, data, "/m1/dl/a.tar.gz")
		second := newFileServer(t, data, "/m2/dl/a.tar.gz")
		f, sleeps, events := newTestFetcher(t, Config{
			CacheDir: cache,
			Mirrors:  []string{first.URL + "/m1", second.URL + "/m2"},
			Client:   first.Client(), // plain HTTP: serves both
		})
		tg := Target{Name: "cpython-test", URL: UpstreamPrefix + "/dl/a.tar.gz", SHA256: sha(data), Size: int64(len(data))}

		_, _, err := fetchRead(t.Context(), f, tg)
		if err == nil {
			t.Fatal("a transfer larger than the disk succeeded")
		}
		partial := filepath.Join(cache, "downloads", tg.SHA256+".part")
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("error does not wrap ENOSPC: %v", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, partial) {
			t.Errorf("error %q does not say 'no space left on device' and the path %s", msg, partial)
		}
		if !IsPermanent(err) {
			t.Errorf("IsPermanent(%v) = false", err)
		}

		// Segments (TestWithSegments): the first request, then each
		// piece's once (claims carve as many as the connections finish
		// before the disk fills); a full disk retries none of them (no
		// backoff sleep, no fault event, below).
		maxReqs := 1
		if segmentsForTests {
			maxReqs = 1 + 8*f.cfg.Connections
		}
		if n := len(first.Requests()); n < 1 || n > maxReqs || !distinctRanges(first.Requests()) {
			t.Errorf("first mirror got %d requests, want 1 to %d, none asked twice (a full disk is not retried): %+v", n, maxReqs, first.Requests())
		}
		if n := len(second.Requests()); n != 0 {
			t.Errorf("second mirror got %d requests, want none (a full disk stops the mirrors): %+v", n, second.Requests())
		}
		if d := sleeps.get(); len(d) != 0 {
			t.Errorf("backoff sleeps %v, want none", d)
		}
		if evs := events.kinds(EventFault); len(evs) != 0 {
			t.Errorf("fault events %+v, want none: a full disk is not a recovered fault", evs)
		}
		if evs := events.kinds(EventMirror); len(evs) != 0 {
			t.Errorf("mirror events %+v, want none", evs)
		}
		if evs := events.kinds(EventDone); len(evs) != 0 {
			t.Errorf("done events %+v after a failed transfer", evs)
		}

		// Nothing under a final name: archives/ is empty and the partial
		// stays a partial, shorter than the archive.
		archives, err := os.ReadDir(filepath.Join(cache, "archives"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range archives {
			t.Errorf("archives/ holds %s after a failed transfer", e.Name())
		}
		if _, err := os.Lstat(f.ArchivePath(tg.SHA256)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("final archive path: %v, want it absent", err)
		}
		downloads, err := os.ReadDir(filepath.Join(cache, "downloads"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range downloads {
			names = append(names, e.Name())
			switch e.Name() {
			case tg.SHA256 + ".part", tg.SHA256 + ".lock":
			case tg.SHA256 + ".json":
				// A sidecar, if one fit, must be whole and describe no more
				// than the partial holds.
				b, err := os.ReadFile(filepath.Join(cache, "downloads", e.Name()))
				var sc sidecar
				if err != nil || json.Unmarshal(b, &sc) != nil {
					t.Errorf("sidecar %s is not whole: %q, %v", e.Name(), b, err)
				}
			default:
				t.Errorf("downloads/ holds %s, a leftover of the failed transfer", e.Name())
			}
		}
		fi, err := os.Stat(partial)
		if err != nil {
			t.Fatalf("the partial is gone: %v (downloads/: %v)", err, names)
		}
		if fi.Size() == 0 || fi.Size() >= int64(len(data)) {
			t.Errorf("partial holds %d bytes, want some but fewer than %d", fi.Size(), len(data))
		}
	})
}

// testDiskFull is the disk-full test TestWithSegments runs again.
var testDiskFull = TestDiskFullStopsTransferAndMirrors
