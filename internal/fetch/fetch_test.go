package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

func TestCleanTransferAndCache(t *testing.T) {
	data := archiveData(3<<20+123, 1)
	srv := newFileServer(t, data)
	f, _, ev := newTestFetcher(t, Config{})
	tg := Target{Name: "py", URL: fileURL(srv), SHA256: sha(data), Size: int64(len(data))}
	res := fetchAll(t, f, tg, data)
	if res.FromCache || res.Faults != 0 || res.WireBytes != int64(len(data)) {
		t.Fatalf("result %+v", res)
	}
	if len(ev.kinds(EventStart)) != 1 || len(ev.kinds(EventDone)) != 1 || len(ev.kinds(EventProgress)) == 0 {
		t.Fatalf("events: start %d done %d progress %d", len(ev.kinds(EventStart)), len(ev.kinds(EventDone)), len(ev.kinds(EventProgress)))
	}
	if last := ev.kinds(EventProgress); last[len(last)-1].Done != int64(len(data)) {
		t.Fatalf("last progress %+v", last[len(last)-1])
	}
	// No partial, sidecar or sidecar temp file remains: only the lock.
	left, _ := os.ReadDir(filepath.Join(f.cfg.CacheDir, "downloads"))
	if len(left) != 1 || left[0].Name() != tg.SHA256+".lock" {
		t.Fatalf("left behind: %v", left)
	}
	// A reinstall needs no network.
	n := len(srv.Requests())
	res2 := fetchAll(t, f, tg, data)
	if !res2.FromCache || len(srv.Requests()) != n {
		t.Fatalf("second fetch: %+v, requests %d -> %d", res2, n, len(srv.Requests()))
	}
}

func TestUnknownDigest(t *testing.T) {
	data := archiveData(100_000, 2)
	srv := newFileServer(t, data)
	srv.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 40_000})
	f, _, _ := newTestFetcher(t, Config{})
	res := fetchAll(t, f, Target{URL: fileURL(srv)}, data)
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[1].Range != "bytes=40000-" {
		t.Fatalf("requests %+v", reqs)
	}
	if res.Faults != 1 {
		t.Fatalf("faults %d", res.Faults)
	}
}

func TestResumeHeaders(t *testing.T) {
	data := archiveData(500_000, 3)
	for _, tc := range []struct {
		name, etag, wantIfRange string
	}{
		{"strong etag", `"abc"`, `"abc"`},
		{"weak etag falls back to last-modified", `W/"abc"`, "Thu, 02 Jan 2025 03:04:05 GMT"},
		{"no etag", "", "Thu, 02 Jan 2025 03:04:05 GMT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newHandlerServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n < 2 {
					w.Header().Set("ETag", tc.etag)
					w.Header().Set("Last-Modified", "Thu, 02 Jan 2025 03:04:05 GMT")
					cutAt(w, r, data, 100_000)
					return
				}
				serveData(w, r, data, tc.etag)
			})
			f, _, _ := newTestFetcher(t, Config{})
			fetchAll(t, f, Target{URL: ts.url(), SHA256: sha(data)}, data)
			reqs := ts.requests()
			want := []logged{{}, {Range: "bytes=100000-", IfRange: tc.wantIfRange}, {Range: "bytes=200000-", IfRange: tc.wantIfRange}}
			if segmentsForTests && strongETag(tc.etag) {
				// The resumed response hands the rest to segments: every
				// segment request names the same strong validator and asks
				// for bytes past the prefix the first response left.
				want = want[:2]
				if len(reqs) <= len(want) {
					t.Fatalf("requests %+v, want segments after the resume", reqs)
				}
				for i, r := range reqs[len(want):] {
					first, last := rangeOf(t, r.Range)
					if last < 0 || first < 100_000 || r.IfRange != tc.wantIfRange {
						t.Errorf("segment request %d: Range %q If-Range %q, want a bounded range past 100000 with If-Range %q", i, r.Range, r.IfRange, tc.wantIfRange)
					}
				}
				reqs = reqs[:len(want)]
			}
			if len(reqs) != len(want) {
				t.Fatalf("requests %+v", reqs)
			}
			for i := range want {
				if reqs[i].Range != want[i].Range || reqs[i].IfRange != want[i].IfRange {
					t.Errorf("request %d: Range %q If-Range %q, want %q %q", i, reqs[i].Range, reqs[i].IfRange, want[i].Range, want[i].IfRange)
				}
			}
		})
	}
}

// gate lets the first response hang after some bytes until a reader has
// consumed them, so a restart is guaranteed to hit a reader mid-way.
func TestRestartSemantics(t *testing.T) {
	data := archiveData(600_000, 4)
	other := archiveData(600_000, 5) // the "changed" file
	cases := []struct {
		name   string
		second func(w http.ResponseWriter, r *http.Request)
		final  []byte
	}{
		{"200 on resume (range ignored)", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.WriteHeader(200)
			w.Write(data)
		}, data},
		{"416", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", len(data)))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		}, data},
		{"wrong content-range", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(data)-1, len(data)))
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(data)
		}, data},
		{"changed etag", nil, other},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			readerAhead := make(chan struct{})
			etag1 := `"v1-` + sha(data)[:8] + `"`
			var mu sync.Mutex
			cur, etag := data, etag1 // the file on the server
			ts := newHandlerServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				switch n {
				case 0:
					w.Header().Set("Content-Length", fmt.Sprint(len(data)))
					w.Header().Set("ETag", etag1)
					w.WriteHeader(200)
					w.Write(data[:200_000])
					w.(http.Flusher).Flush()
					<-readerAhead
					panic(http.ErrAbortHandler)
				case 1:
					if tc.second != nil {
						tc.second(w, r)
						return
					}
					// The file changed on the server.
					mu.Lock()
					cur, etag = other, `"v2"`
					mu.Unlock()
				}
				mu.Lock()
				d, e := cur, etag
				mu.Unlock()
				serveData(w, r, d, e)
			})
			f, _, _ := newTestFetcher(t, Config{})
			s, err := f.Start(context.Background(), Target{URL: ts.url(), SHA256: sha(tc.final)})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r := s.NewReader()
			buf := make([]byte, 100_000)
			if _, err := io.ReadFull(r, buf); err != nil {
				t.Fatal(err)
			}
			close(readerAhead)
			_, err = io.ReadAll(r)
			if !errors.Is(err, ErrRestarted) {
				t.Fatalf("reader that read past the restart: %v, want ErrRestarted", err)
			}
			got, err := io.ReadAll(s.NewReader())
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Wait()
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res, got, tc.final)
			reqs := ts.requests()
			if len(reqs) < 2 || reqs[1].Range != "bytes=200000-" || reqs[1].IfRange != `"v1-`+sha(data)[:8]+`"` {
				t.Fatalf("requests %+v", reqs)
			}
			// 416 and a wrong Content-Range cost one more request, from zero;
			// a 200 is itself the restart.
			wantReqs := 2
			if tc.name == "416" || tc.name == "wrong content-range" {
				wantReqs = 3
			}
			if segmentsForTests && tc.second == nil || segmentsForTests && wantReqs == 3 {
				// The response that took over (the changed file, or the
				// one from zero) handed the rest to segments: each asks a
				// bounded range under the validator of the file it
				// belongs to, never the old one's for the new file.
				wantIfRange := etag1
				if tc.second == nil {
					wantIfRange = `"v2"`
				}
				if len(reqs) <= wantReqs {
					t.Fatalf("requests %+v, want segments after the restart", reqs)
				}
				for i, r := range reqs[wantReqs:] {
					if _, last := rangeOf(t, r.Range); last < 0 || r.IfRange != wantIfRange {
						t.Errorf("segment request %d: Range %q If-Range %q, want a bounded range with If-Range %q", i, r.Range, r.IfRange, wantIfRange)
					}
				}
				reqs = reqs[:wantReqs]
			}
			if len(reqs) != wantReqs || (wantReqs == 3 && reqs[2].Range != "") {
				t.Fatalf("requests %+v", reqs)
			}
		})
	}
}

func TestPermanentErrors(t *testing.T) {
	data := archiveData(300_000, 6)
	t.Run("404", func(t *testing.T) {
		srv := newFileServer(t, data)
		srv.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 100_000}, faultserver.Fault{Kind: faultserver.Status, Code: 404})
		f, sl, _ := newTestFetcher(t, Config{})
		start := time.Now()
		_, _, err := fetchRead(context.Background(), f, Target{URL: fileURL(srv), SHA256: sha(data)})
		var se *HTTPStatusError
		if !errors.As(err, &se) || se.Code != 404 || !strings.Contains(err.Error(), "404") || !IsPermanent(err) {
			t.Fatalf("err = %v", err)
		}
		wantReqs, wantPartial := 2, int64(100_000)
		if segmentsForTests {
			// The first response is left unread (its cut never bites)
			// and the 404 answers one piece: that worker ends the run
			// at once, so no range is asked twice and nothing sleeps
			// after the 404 (the other connections may finish their
			// pieces and start others meanwhile: a bound, not a count).
			// The partial keeps whatever the segments hold.
			wantReqs, wantPartial = 1+8*f.cfg.Connections, -1
			if !distinctRanges(srv.Requests()) {
				t.Fatalf("a range asked twice: %v", srv.Requests())
			}
			var notFound int
			for _, l := range srv.Requests() {
				if l.Status == 404 {
					notFound++
				}
			}
			if notFound != 1 {
				t.Fatalf("%d requests answered 404, want 1: %v", notFound, srv.Requests())
			}
		}
		if time.Since(start) > 5*time.Second || len(srv.Requests()) > wantReqs || len(sl.get()) > 1 {
			t.Fatalf("took %v, %d requests, sleeps %v", time.Since(start), len(srv.Requests()), sl.get())
		}
		if fi, err := os.Stat(filepath.Join(f.cfg.CacheDir, "downloads", sha(data)+".part")); err != nil || wantPartial >= 0 && fi.Size() != wantPartial {
			t.Fatalf("partial: %v %v", fi, err)
		}
		if _, err := os.Stat(filepath.Join(f.cfg.CacheDir, "downloads", sha(data)+".json")); err != nil {
			t.Fatalf("sidecar: %v", err)
		}
		if _, err := os.Stat(f.ArchivePath(sha(data))); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("archive exists: %v", err)
		}
	})
	t.Run("digest mismatch after one fresh download", func(t *testing.T) {
		bad := archiveData(300_000, 7)
		srv := newFileServer(t, bad)
		srv.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 100_000})
		f, _, ev := newTestFetcher(t, Config{})
		_, _, restarts, err := fetchReadRestarts(context.Background(), f, Target{URL: fileURL(srv), SHA256: sha(data)})
		// The first mismatch is a fault the user sees, on one connection
		// (the retry loop's event) and after segments alike.
		if n := len(faultEventsSaying(ev, "sha256")); n != 1 {
			t.Errorf("%d fault events name the first sha256 mismatch, want 1: %+v", n, ev.kinds(EventFault))
		}
		var de *DigestError
		if !errors.As(err, &de) || de.Want != sha(data) || de.Got != sha(bad) || !strings.Contains(err.Error(), sha(bad)) {
			t.Fatalf("err = %v", err)
		}
		// Each mismatch discards the partial.
		if restarts != 2 {
			t.Fatalf("%d restarts from zero, want 2", restarts)
		}
		reqs := srv.Requests()
		// cut, resume (mismatch), fresh full download (mismatch): 3 requests, the last from zero.
		if segmentsForTests {
			// Each of the two downloads is one request from zero whose
			// rest goes in segments: exactly two requests from zero,
			// the first one first, all others bounded ranges.
			var fromZero []int
			for i, l := range reqs {
				if l.Range == "" {
					fromZero = append(fromZero, i)
				} else if _, last := rangeOf(t, l.Range); last < 0 {
					t.Errorf("request %d asked %q, want a segment", i, l.Range)
				}
			}
			if len(fromZero) != 2 || fromZero[0] != 0 || fromZero[1] < 2 {
				t.Fatalf("requests from zero at %v, want 2 downloads: %+v", fromZero, reqs)
			}
		} else if len(reqs) != 3 || reqs[1].Range == "" || reqs[2].Range != "" {
			t.Fatalf("requests %+v", reqs)
		}
		if _, err := os.Stat(f.ArchivePath(sha(data))); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("archive exists: %v", err)
		}
		if _, err := os.Stat(f.ArchivePath(sha(bad))); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("bad archive exists: %v", err)
		}
	})
	t.Run("html page is transient", func(t *testing.T) {
		srv := newFileServer(t, data)
		// Each page is refused for what it is, with the digest known or not
		// (a digest mismatch would also be a fault, after a restart).
		for _, digest := range []string{sha(data), ""} {
			// Two text/html pages, then one served as application/octet-stream.
			srv.Script(faultserver.Fault{Kind: faultserver.HTMLPage}, faultserver.Fault{Kind: faultserver.HTMLPage}, faultserver.Fault{Kind: faultserver.HTMLOctet})
			f, _, ev := newTestFetcher(t, Config{})
			res := fetchAll(t, f, Target{URL: fileURL(srv), SHA256: digest}, data)
			faults := ev.kinds(EventFault)
			if res.Faults != 3 || len(faults) != 3 {
				t.Fatalf("digest %q: faults %d events %d", digest, res.Faults, len(faults))
			}
			for i, fe := range faults {
				var na *NotArchiveError
				if !errors.As(fe.Err, &na) || !strings.Contains(fe.Message, "not the archive") {
					t.Errorf("digest %q: fault %d is %v (%q), want a NotArchiveError", digest, i, fe.Err, fe.Message)
				}
			}
		}
	})
}

func TestRetryBudget(t *testing.T) {
	data := archiveData(400_000, 8)
	t.Run("consecutive no-progress attempts", func(t *testing.T) {
		for _, retries := range []int{0, 1, 3} {
			srv := newFileServer(t, data)
			srv.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 503})
			f, sl, _ := newTestFetcher(t, Config{})
			f.cfg.Retries = retries // 0: one attempt, no retry
			_, _, err := fetchRead(context.Background(), f, Target{URL: fileURL(srv), SHA256: sha(data)})
			var se *HTTPStatusError
			if !errors.As(err, &se) || se.Code != 503 {
				t.Fatalf("err = %v", err)
			}
			if got := len(srv.Requests()); got != retries+1 || len(sl.get()) != retries {
				t.Fatalf("retries=%d: %d requests, %d sleeps", retries, got, len(sl.get()))
			}
		}
	})
	t.Run("progress resets the count", func(t *testing.T) {
		// 8 faults with Retries=2: each cut brings bytes, each 503 none;
		// never more than 2 no-progress attempts in a row.
		srv := newFileServer(t, data)
		var script []faultserver.Fault
		for n := range 12 {
			if n%3 == 2 {
				script = append(script, faultserver.Fault{Kind: faultserver.CloseMidBody, At: 30_000})
			} else {
				script = append(script, faultserver.Fault{Kind: faultserver.Status, Code: 502})
			}
		}
		srv.Script(script...)
		f, _, _ := newTestFetcher(t, Config{Retries: 2})
		res := fetchAll(t, f, Target{URL: fileURL(srv), SHA256: sha(data)}, data)
		if segmentsForTests {
			// Segments may finish before the script is spent (the first
			// response's cut never bites, it is left unread): every
			// scripted fault served is counted, and the transfer
			// outlived more no-progress faults than Retries allows in a
			// row because the segments kept advancing.
			var served, noProgress int
			for _, l := range srv.Requests() {
				// A cut on a response from zero does not bite: that
				// response only hands the rest to segments, unread.
				// Nor on a piece no longer than the cut's offset: it is
				// whole before the cut.
				a, b := rangeOf0(l.Range)
				short := b >= 0 && b-a+1 <= 30_000
				if l.Fault != faultserver.None && (l.Fault != faultserver.CloseMidBody || (l.Range != "" && !short)) {
					served++
				}
				if l.Status == 502 {
					noProgress++
				}
			}
			if res.Faults != served || noProgress <= f.cfg.Retries+1 {
				t.Fatalf("faults %d, %d scripted faults served, %d of them 502s", res.Faults, served, noProgress)
			}
		} else if res.Faults != 12 {
			t.Fatalf("faults %d", res.Faults)
		}
	})
	t.Run("bytes fetched again after a restart are not progress", func(t *testing.T) {
		// A server that ignores Range and always cuts at the same byte: each
		// attempt restarts from zero and gets no further than the last.
		ts := newHandlerServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Range")
			cutAt(w, r, data, 100_000)
		})
		f, _, _ := newTestFetcher(t, Config{Retries: 2, Deadline: time.Minute})
		_, _, restarts, err := fetchReadRestarts(context.Background(), f, Target{URL: ts.url(), SHA256: sha(data)})
		if err == nil || !strings.Contains(err.Error(), "without progress") {
			t.Fatalf("err = %v", err)
		}
		// Every resumed request was answered with the whole file.
		if restarts != 3 {
			t.Fatalf("%d restarts from zero, want 3", restarts)
		}
		// The first attempt makes progress; then Retries+1 attempts without.
		if got := len(ts.requests()); got != 4 {
			t.Fatalf("%d requests, want 4", got)
		}
	})
	t.Run("retry-after", func(t *testing.T) {
		date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
		srv := newFileServer(t, data)
		srv.Script(
			faultserver.Fault{Kind: faultserver.Status, Code: 429, RetryAfter: "7"},
			faultserver.Fault{Kind: faultserver.Status, Code: 503, RetryAfter: "3600"},
			faultserver.Fault{Kind: faultserver.Status, Code: 503, RetryAfter: date},
		)
		f, sl, _ := newTestFetcher(t, Config{})
		fetchAll(t, f, Target{URL: fileURL(srv), SHA256: sha(data)}, data)
		d := sl.get()
		if len(d) != 3 || d[0] != 7*time.Second || d[1] != 60*time.Second || d[2] < 25*time.Second || d[2] > 31*time.Second {
			t.Fatalf("sleeps %v", d)
		}
	})
	t.Run("backoff grows and is capped", func(t *testing.T) {
		f, _, _ := newTestFetcher(t, Config{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second})
		f.hooks.rand = func(n int64) int64 { return n - 1 } // top of the jitter range
		want := []time.Duration{100, 200, 400, 800, 1000, 1000}
		for i, w := range want {
			if got := f.backoff(i + 1); got != w*time.Millisecond {
				t.Errorf("backoff(%d) = %v, want %v", i+1, got, w*time.Millisecond)
			}
		}
		f.hooks.rand = func(n int64) int64 { return 0 }
		if got := f.backoff(3); got != 0 {
			t.Errorf("jitter floor: %v", got)
		}
	})
}

func TestResumeAcrossProcesses(t *testing.T) {
	data := archiveData(2<<20, 9)
	srv := newFileServer(t, data)
	// The first response stops after 700 000 bytes until the client leaves.
	srv.Script(faultserver.Fault{Kind: faultserver.StallMidBody, At: 700_000})
	dir := t.TempDir()
	tg := Target{URL: fileURL(srv), SHA256: sha(data)}

	f1, _, _ := newTestFetcher(t, Config{CacheDir: dir, Connections: 1})
	ctx, cancel := context.WithCancel(context.Background())
	s, err := f1.Start(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	r := s.NewReader()
	if _, err := io.ReadFull(r, make([]byte, 700_000)); err != nil {
		t.Fatal(err)
	}
	cancel()
	// No bound on the time: a cancel that did not end the stalled
	// transfer would see it resume after the idle timeout and succeed.
	_, err = s.Wait()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
	if _, err := r.Read(make([]byte, 10)); !errors.Is(err, context.Canceled) {
		t.Fatalf("reader after cancel: %v", err)
	}
	s.Close()
	part := filepath.Join(dir, "downloads", sha(data)+".part")
	if fi, err := os.Stat(part); err != nil || fi.Size() != 700_000 {
		t.Fatalf("partial %v %v", fi, err)
	}

	f2, _, _ := newTestFetcher(t, Config{CacheDir: dir})
	res := fetchAll(t, f2, tg, data)
	reqs := srv.Requests()
	if len(reqs) < 2 || (len(reqs) != 2 && !segmentsForTests) || reqs[1].Range != "bytes=700000-" || reqs[1].IfRange == "" || reqs[1].IfRange != reqs[0].ETag {
		t.Fatalf("requests %+v", reqs)
	}
	checkSegmentsAfter(t, reqs[2:], 700_000)
	if res.WireBytes != int64(len(data)-700_000) {
		t.Fatalf("wire bytes %d", res.WireBytes)
	}
}

// The first run leaves 400 000 bytes and a sidecar naming the ETag; left
// alone, the next run asks for bytes=400000- with If-Range. Each damage must
// really change the files, and change what the next run asks.
func TestResumeFromDamagedState(t *testing.T) {
	data := archiveData(1<<20, 10)
	const undamagedRange = "bytes=400000-"
	cases := []struct {
		name      string
		noDigest  bool
		damage    func(part, side string) error // nil: left alone
		wantRange string
		validator bool // the resumed request carries If-Range
	}{
		{"undamaged", false, nil, undamagedRange, true},
		{"sidecar behind file (crash before save)", false, func(part, side string) error {
			// The process wrote 300 000 more bytes than the sidecar records.
			f, err := os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				return err
			}
			_, err = f.Write(data[400_000:700_000])
			return errors.Join(err, f.Close())
		}, "bytes=700000-", true},
		// The sidecar claims bytes the file lacks: it is not trusted, the
		// file is hashed again and its validator is lost with it.
		{"file shorter than sidecar (lost writes)", false, func(part, side string) error {
			return os.Truncate(part, 250_000)
		}, "bytes=250000-", false},
		{"no sidecar", false, func(part, side string) error { return os.Remove(side) }, undamagedRange, false},
		{"corrupt sidecar", false, func(part, side string) error { return os.WriteFile(side, []byte("{"), 0o644) }, undamagedRange, false},
		{"undamaged, no digest", true, nil, undamagedRange, true},
		// Without a digest nothing could check a partial that no sidecar
		// vouches for at the end: it is dropped.
		{"no sidecar, no digest", true, func(part, side string) error { return os.Remove(side) }, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.damage != nil && tc.wantRange == undamagedRange && tc.validator {
				t.Fatal("the case expects what an undamaged state gives")
			}
			srv := newFileServer(t, data)
			// Cut, then a 404 stops the first "process" with a partial.
			srv.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 400_000}, faultserver.Fault{Kind: faultserver.Status, Code: 404})
			dir := t.TempDir()
			tg := Target{URL: fileURL(srv), SHA256: sha(data)}
			if tc.noDigest {
				tg.SHA256 = ""
			}
			// One connection leaves the partial; the next run may segment
			// (TestWithSegments): a sidecar without segments still loads.
			f1, _, _ := newTestFetcher(t, Config{CacheDir: dir, Connections: 1})
			if _, _, err := fetchRead(context.Background(), f1, tg); err == nil {
				t.Fatal("first run succeeded")
			}
			etag := srv.Requests()[0].ETag // the validator the partial's bytes came with
			if etag == "" {
				t.Fatal("the first response sent no ETag")
			}
			part := filepath.Join(dir, "downloads", partialKey(tg)+".part")
			side := filepath.Join(dir, "downloads", partialKey(tg)+".json")
			// The state the damage applies to.
			partBefore, sideBefore := readState(t, part), readState(t, side)
			var sc sidecar
			if !partBefore.exists || !bytes.Equal(partBefore.data, data[:400_000]) ||
				!sideBefore.exists || json.Unmarshal(sideBefore.data, &sc) != nil || sc.Offset != 400_000 || sc.ETag != etag {
				t.Fatalf("after the first run: partial of %d bytes (exists %v), sidecar %q", len(partBefore.data), partBefore.exists, sideBefore.data)
			}
			if tc.damage != nil {
				if err := tc.damage(part, side); err != nil {
					t.Fatalf("damage: %v", err)
				}
				if readState(t, part).equal(partBefore) && readState(t, side).equal(sideBefore) {
					t.Fatal("the damage changed nothing")
				}
			}
			f2, _, _ := newTestFetcher(t, Config{CacheDir: dir})
			res := fetchAll(t, f2, tg, data)
			reqs := srv.Requests()
			wantIfRange := ""
			if tc.validator {
				wantIfRange = etag
			}
			if len(reqs) < 3 || (len(reqs) != 3 && !segmentsForTests) || reqs[2].Range != tc.wantRange || reqs[2].IfRange != wantIfRange {
				t.Fatalf("requests %+v, want the third with Range %q If-Range %q", reqs, tc.wantRange, wantIfRange)
			}
			want := int64(len(data))
			if n, ok := rangeStart(tc.wantRange); ok {
				want -= n
			}
			checkSegmentsAfter(t, reqs[3:], int64(len(data))-want)
			if res.WireBytes != want {
				t.Fatalf("%d body bytes fetched, want %d", res.WireBytes, want)
			}
		})
	}
}

// fileState is a file's content, or its absence.
type fileState struct {
	exists bool
	data   []byte
}

func (a fileState) equal(b fileState) bool {
	return a.exists == b.exists && bytes.Equal(a.data, b.data)
}

func readState(t *testing.T, p string) fileState {
	t.Helper()
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return fileState{}
	}
	if err != nil {
		t.Fatal(err)
	}
	return fileState{exists: true, data: b}
}

func TestMirrors(t *testing.T) {
	data := archiveData(900_000, 11)
	rest := "/20250101/cpython-3.13.1.tar.gz"
	tg := Target{Name: "cpython", URL: UpstreamPrefix + rest, SHA256: sha(data), Size: int64(len(data))}

	t.Run("404 then next mirror continues from disk", func(t *testing.T) {
		a := newFileServer(t, data, "/base"+rest)
		a.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 300_000}, faultserver.Fault{Kind: faultserver.Status, Code: 404})
		b := newFileServer(t, data, "/other"+rest)
		f, _, ev := newTestFetcher(t, Config{Mirrors: []string{a.URL + "/base/", b.URL + "/other"}})
		res := fetchAll(t, f, tg, data)
		ra, rb := a.Requests(), b.Requests()
		if segmentsForTests {
			// The 404 answers a segment; the move keeps every segment:
			// b is asked only for what a did not deliver.
			if ra[0].Path != "/base"+rest || rb[0].Path != "/other"+rest {
				t.Fatalf("mirror a %+v, b %+v", ra, rb)
			}
			checkKeptAcrossMirrors(t, res, int64(len(data)), ra, rb)
		} else if ra[0].Path != "/base"+rest || len(rb) != 1 || rb[0].Path != "/other"+rest || rb[0].Range != "bytes=300000-" || rb[0].IfRange != "" {
			t.Fatalf("mirror a %+v, b %+v", ra, rb)
		}
		if m := ev.kinds(EventMirror); len(m) != 1 || !strings.HasPrefix(m[0].URL, b.URL) {
			t.Fatalf("mirror events %+v", m)
		}
	})
	t.Run("exhausted mirror", func(t *testing.T) {
		a := newFileServer(t, data, rest)
		a.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 200_000})
		a.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 500})
		b := newFileServer(t, data, rest)
		f, _, _ := newTestFetcher(t, Config{Retries: 2, Mirrors: []string{a.URL, b.URL}})
		res := fetchAll(t, f, tg, data)
		if segmentsForTests {
			// Every segment request after the first response met a 500:
			// no segment advanced, so the shared budget gave a up (it
			// did not give up at the first worker's Retries+1) and b
			// was asked only for what a did not deliver.
			ra := a.Requests()
			if len(ra) <= f.cfg.Retries+2 {
				t.Fatalf("mirror a %+v: given up before the budget was spent", ra)
			}
			checkKeptAcrossMirrors(t, res, int64(len(data)), ra, b.Requests())
		} else if len(a.Requests()) != 4 || b.Requests()[0].Range != "bytes=200000-" {
			t.Fatalf("mirror a %+v, b %+v", a.Requests(), b.Requests())
		}
	})
	t.Run("file mirror", func(t *testing.T) {
		root := t.TempDir()
		p := filepath.Join(root, filepath.FromSlash(rest))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, data, 0o644)
		a := newFileServer(t, data, rest)
		a.Script(faultserver.Fault{Kind: faultserver.CloseMidBody, At: 500_000})
		a.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 403})
		f, _, _ := newTestFetcher(t, Config{Mirrors: []string{a.URL, "file://" + filepath.ToSlash(root)}})
		res := fetchAll(t, f, tg, data)
		if segmentsForTests {
			// The first response is left unread (its cut never bites);
			// the segments read from a what they could before the 403
			// ended the run (the server's log cannot say how much of a
			// response sent whole the client had read) and the file
			// mirror supplies the rest: never a byte past what a's
			// segment responses sent.
			if sent := deliveredSegmentBytes(a.Requests()); res.WireBytes > sent {
				t.Fatalf("wire bytes %d, more than the %d a's segments sent", res.WireBytes, sent)
			}
		} else if res.WireBytes != 500_000 {
			t.Fatalf("wire bytes %d", res.WireBytes)
		}
	})
	t.Run("all fail", func(t *testing.T) {
		a := newFileServer(t, data, rest)
		a.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 404})
		b := newFileServer(t, data, rest)
		b.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 410})
		f, _, _ := newTestFetcher(t, Config{Mirrors: []string{a.URL, b.URL}})
		_, _, err := fetchRead(context.Background(), f, tg)
		var te *TransferError
		if !errors.As(err, &te) || len(te.Sources) != 2 || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "410") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("file URL", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "x.tar.gz")
		os.WriteFile(p, data, 0o644)
		f, _, _ := newTestFetcher(t, Config{})
		res := fetchAll(t, f, Target{URL: "file://" + filepath.ToSlash(p), SHA256: sha(data)}, data)
		if res.WireBytes != 0 {
			t.Fatalf("wire %d", res.WireBytes)
		}
		_, _, err := fetchRead(context.Background(), f, Target{URL: "file://" + filepath.ToSlash(p) + ".missing"})
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("missing file: %v", err)
		}
	})
}

// checkKeptAcrossMirrors checks a segmented transfer's move from mirror a
// to mirror b: the move happened, b was only asked for segments' ranges
// (never from zero), and no body byte was received twice: the bytes a's
// segments wrote were kept. (The server's log cannot say which of a's
// responses the client read before the run ended, so the byte count
// checks what was kept.)
func checkKeptAcrossMirrors(t *testing.T, res Result, size int64, ra, rb []faultserver.Logged) {
	t.Helper()
	if len(rb) == 0 {
		t.Fatalf("no move to the next mirror: a %+v", ra)
	}
	for _, l := range rb {
		if l.Range == "" {
			t.Errorf("mirror b was asked for the whole file: the segments were not kept (a: %v)", ra)
			continue
		}
		if _, last := rangeOf(t, l.Range); last < 0 {
			t.Errorf("mirror b asked %q: want only segments' ranges (a: %v)", l.Range, ra)
		}
	}
	if res.WireBytes != size {
		t.Errorf("%d body bytes received for a %d-byte file: bytes fetched twice across the move\na: %v\nb: %v", res.WireBytes, size, ra, rb)
	}
}

// deliveredSegmentBytes sums the body bytes of the segment responses in log
// that were served whole.
func deliveredSegmentBytes(log []faultserver.Logged) int64 {
	var n int64
	for _, l := range log {
		if l.Status == http.StatusPartialContent && l.Fault == faultserver.None {
			n += l.BytesSent
		}
	}
	return n
}

func TestSources(t *testing.T) {
	f, _, _ := newTestFetcher(t, Config{Mirrors: []string{"https://a.example/x/", "https://a.example/x", "file:///m"}})
	got := f.sources(UpstreamPrefix + "/1/p.tar.gz")
	want := []string{"https://a.example/x/1/p.tar.gz", "file:///m/1/p.tar.gz"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sources %v", got)
	}
	if got := f.sources("https://elsewhere/p.tar.gz"); len(got) != 1 || got[0] != "https://elsewhere/p.tar.gz" {
		t.Fatalf("other URL %v", got)
	}
}

func TestStallAndCancel(t *testing.T) {
	data := archiveData(1<<20, 12)
	t.Run("idle timeout resumes", func(t *testing.T) {
		srv := newFileServer(t, data)
		stall := faultserver.Fault{Kind: faultserver.StallMidBody, At: 300_000, Stall: 10 * time.Second}
		if segmentsForTests {
			// The first response only hands the rest to segments,
			// unread: the stall goes to the first segment request,
			// inside its segment (a quarter of the file).
			stall.At = 100_000
			srv.Script(faultserver.Fault{}, stall)
		} else {
			srv.Script(stall)
		}
		// The idle timeout is what this tests, so the healthy responses
		// must never come near it: at 200 ms a loaded 2-core machine
		// under -race paused a healthy connection that long. At 2 s the
		// 10 s stall still ends only by it ("stalled" below says so).
		f, _, ev := newTestFetcher(t, Config{IdleTimeout: 2 * time.Second})
		res := fetchAll(t, f, Target{URL: fileURL(srv), SHA256: sha(data)}, data)
		if res.Faults != 1 {
			t.Fatalf("faults %d, want the one stall", res.Faults)
		}
		if fe := ev.kinds(EventFault); len(fe) != 1 || !strings.Contains(fe[0].Message, "stalled") || !strings.Contains(fe[0].Message, "resuming in ") || !strings.Contains(fe[0].Message, "(attempt 2)") {
			t.Fatalf("fault events %+v", fe)
		}
		reqs := srv.Requests()
		if segmentsForTests {
			// Only the stalled segment is asked again, from where its
			// bytes stopped, to its end.
			first, last := rangeOf(t, reqs[1].Range)
			resume := fmt.Sprintf("bytes=%d-%d", first+stall.At, last)
			var again []string
			for _, l := range reqs[2:] {
				if a, _ := rangeOf(t, l.Range); a >= first && a <= last {
					again = append(again, l.Range)
				}
			}
			if len(again) != 1 || again[0] != resume {
				t.Fatalf("the stalled segment %q was asked again as %v, want once as %q:\n%s", reqs[1].Range, again, resume, logLines(reqs))
			}
		} else if reqs[1].Range != "bytes=300000-" {
			t.Fatalf("requests %+v", reqs)
		}
	})
	t.Run("close stops promptly and keeps the partial", func(t *testing.T) {
		srv := newFileServer(t, data)
		srv.Repeat(faultserver.Fault{Kind: faultserver.StallMidBody, At: 200_000}) // until the client leaves
		f, _, _ := newTestFetcher(t, Config{IdleTimeout: time.Minute})
		s, err := f.Start(context.Background(), Target{URL: fileURL(srv), SHA256: sha(data)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(s.NewReader(), make([]byte, 200_000)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		s.Close()
		// Not a speed goal: a Close that did not stop the stalled
		// transfer would wait out the minute's idle timeout.
		if time.Since(start) > 30*time.Second {
			t.Fatalf("close took %v", time.Since(start))
		}
		if _, err := s.Wait(); !errors.Is(err, context.Canceled) {
			t.Fatalf("wait: %v", err)
		}
		if segmentsForTests {
			// Every segment stalled at 200000 bytes into its range: the
			// partial and its sidecar are kept with the segments, and
			// another process resumes them without fetching a kept byte
			// again (at least the 200000 the reader read are kept).
			part := filepath.Join(f.cfg.CacheDir, "downloads", sha(data)+".part")
			if fi, err := os.Stat(part); err != nil || fi.Size() < 200_000 {
				t.Fatalf("partial %v %v", fi, err)
			}
			if _, err := os.Stat(filepath.Join(f.cfg.CacheDir, "downloads", sha(data)+".json")); err != nil {
				t.Fatalf("sidecar: %v", err)
			}
			srv.Repeat(faultserver.Fault{})
			again, _, _ := newTestFetcher(t, Config{CacheDir: f.cfg.CacheDir})
			if res := fetchAll(t, again, Target{URL: fileURL(srv), SHA256: sha(data)}, data); res.WireBytes > int64(len(data))-200_000 {
				t.Fatalf("the resume received %d body bytes, want at most %d", res.WireBytes, len(data)-200_000)
			}
		} else if fi, err := os.Stat(filepath.Join(f.cfg.CacheDir, "downloads", sha(data)+".part")); err != nil || fi.Size() != 200_000 {
			t.Fatalf("partial %v %v", fi, err)
		}
	})
	t.Run("cancel during backoff", func(t *testing.T) {
		srv := newFileServer(t, data)
		srv.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 503})
		f, _, _ := newTestFetcher(t, Config{})
		// The cancel comes once the fetcher is in its backoff (it used to
		// come 20 ms after the first request, which under load could be
		// before the 503 was even read).
		inBackoff := make(chan struct{})
		var once sync.Once
		f.hooks.sleep = func(ctx context.Context, d time.Duration) error {
			once.Do(func() { close(inBackoff) })
			return sleepCtx(ctx, d)
		}
		f.cfg.BaseDelay, f.cfg.MaxDelay = time.Hour, time.Hour
		f.hooks.rand = func(n int64) int64 { return n - 1 }
		ctx, cancel := context.WithCancel(context.Background())
		s, err := f.Start(ctx, Target{URL: fileURL(srv)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		<-inBackoff
		cancel()
		start := time.Now()
		// Not a speed goal: a backoff the cancel did not end lasts an hour.
		if _, err := s.Wait(); !errors.Is(err, context.Canceled) || time.Since(start) > 30*time.Second {
			t.Fatalf("wait: %v after %v", err, time.Since(start))
		}
	})
}

func TestConcurrentFetchersShareOneDownload(t *testing.T) {
	data := archiveData(2<<20, 13)
	srv := newFileServer(t, data)
	dir := t.TempDir()
	tg := Target{URL: fileURL(srv), SHA256: sha(data)}
	var wg sync.WaitGroup
	results := make([]Result, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, _, _ := newTestFetcher(t, Config{CacheDir: dir})
			results[i] = fetchAll(t, f, tg, data)
		}()
	}
	wg.Wait()
	if segmentsForTests {
		// One download: one request from zero, then segments, none
		// asked twice.
		log := srv.Requests()
		fromZero := 0
		for _, l := range log {
			if l.Range == "" {
				fromZero++
			}
		}
		if fromZero != 1 || !distinctRanges(log) {
			t.Fatalf("%d requests from zero, want one download:\n%s", fromZero, logLines(log))
		}
	} else if n := len(srv.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	cached := 0
	for _, r := range results {
		if r.FromCache {
			cached++
		}
	}
	if cached != 2 {
		t.Fatalf("results %+v", results)
	}
}

func TestSweepOldPartials(t *testing.T) {
	data := archiveData(10_000, 14)
	srv := newFileServer(t, data)
	f, _, _ := newTestFetcher(t, Config{})
	dl := filepath.Join(f.cfg.CacheDir, "downloads")
	os.MkdirAll(dl, 0o755)
	old := time.Now().Add(-8 * 24 * time.Hour)
	// name: whether it is kept
	files := map[string]bool{
		"old.part": false, "old.json": false, ".old.json.tmp-1": false,
		// another's, recent: maybe in use
		"new.part": true, ".new.json.tmp-2": true,
		// this transfer's own interrupted sidecar save
		"." + sha(data) + ".json.tmp-3": false,
		// not the sweep's
		"old.lock": true, "old.txt": true,
	}
	for n := range files {
		p := filepath.Join(dl, n)
		os.WriteFile(p, []byte("x"), 0o644)
		if strings.HasPrefix(strings.TrimPrefix(n, "."), "old") {
			os.Chtimes(p, old, old)
		}
	}
	fetchAll(t, f, Target{URL: fileURL(srv), SHA256: sha(data)}, data)
	for n, want := range files {
		_, err := os.Stat(filepath.Join(dl, n))
		if (err == nil) != want {
			t.Errorf("%s exists=%v, want %v", n, err == nil, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	f, _, _ := newTestFetcher(t, Config{})
	for _, tg := range []Target{
		{URL: ""},
		{URL: "/no/scheme"},
		{URL: "ftp://x/y"},
		{URL: "http://x/y", SHA256: "abc"},
		{URL: "http://x/y", SHA256: strings.Repeat("g", 64)},
		{URL: "http://x/y", Size: -1},
	} {
		if s, err := f.Start(context.Background(), tg); err == nil {
			s.Close()
			t.Errorf("Start(%+v) succeeded", tg)
		}
	}
	if entries, _ := os.ReadDir(f.cfg.CacheDir); len(entries) != 0 {
		t.Fatalf("bad input left state: %v", entries)
	}
	for _, cfg := range []Config{{}, {CacheDir: "x", Mirrors: []string{"gopher://m"}}, {CacheDir: "x", Retries: -1}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}
