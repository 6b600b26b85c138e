package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// An HTML page where the archive should be (a proxy's or a CDN's error
// page) is refused as not the archive by what it is. These transfers know no
// size, so no Content-Length can give the page away, and half of them know
// no digest either; the refusal itself is checked (the fault's error), not a
// fault count, since a digest mismatch would be a fault too.
func TestNotArchiveRefused(t *testing.T) {
	const size = 1 << 20
	data := archiveData(size, 40)
	const q = size / 4
	type fault = faultserver.Fault
	cases := []struct {
		name   string
		faults []fault
		page   int // the request answered with the page
	}{
		// Status 200 and application/octet-stream: only the first bytes
		// tell.
		{"html-octet", []fault{{Kind: faultserver.HTMLOctet}}, 0},
		// On a resumed request it must not cost the partial either.
		{"html-octet on resume", []fault{{Kind: faultserver.CloseMidBody, At: q}, {Kind: faultserver.HTMLOctet}}, 1},
		// A 206 for exactly the range asked: only the Content-Type tells.
		{"html206 on resume", []fault{{Kind: faultserver.CloseMidBody, At: q}, {Kind: faultserver.HTMLPartial}}, 1},
		{"html206 from zero", []fault{{Kind: faultserver.HTMLPartial}}, 0},
	}
	for _, proto := range []faultserver.Proto{faultserver.HTTP1, faultserver.HTTP2} {
		srv := faultserver.New(proto, map[string][]byte{matrixPath: data})
		t.Cleanup(srv.Close)
		for _, c := range cases {
			for _, digest := range []string{sha(data), ""} {
				name := fmt.Sprintf("%s/%s/digest=%v", protoName(proto), c.name, digest != "")
				t.Run(name, func(t *testing.T) {
					f, _, ev := newTestFetcher(t, Config{Client: faultClient(t, srv, 5*time.Second)})
					nreq := len(srv.Requests())
					if segmentsForTests {
						checkNotArchiveSegmented(t, f, ev, srv, c.faults, c.page, data, digest)
						return
					}
					srv.Script(c.faults...)
					res := fetchAll(t, f, Target{Name: c.name, URL: srv.URL + matrixPath, SHA256: digest}, data)
					faults := ev.kinds(EventFault)
					if len(faults) != len(c.faults) || res.Faults != len(c.faults) {
						t.Fatalf("%d fault events, result %d faults; want one per scripted fault (%d): %+v", len(faults), res.Faults, len(c.faults), faults)
					}
					var na *NotArchiveError
					if fe := faults[c.page]; !errors.As(fe.Err, &na) || !strings.Contains(fe.Message, "not the archive") {
						t.Fatalf("the page's fault is %v (%q), want a NotArchiveError", fe.Err, fe.Message)
					}
					// The page was not written and nothing was discarded:
					// the next request asks for the same range, and no body
					// byte came twice.
					log := srv.Requests()[nreq:]
					if len(log) != len(c.faults)+1 || log[c.page].Fault != c.faults[c.page].Kind || log[c.page+1].Range != log[c.page].Range {
						t.Fatalf("requests:\n%s", logLines(log))
					}
					// (Over HTTP/2 the connection's end may cost a few unread
					// frames of the cut response.)
					if n, resumed := rangeStart(log[c.page].Range); c.page > 0 && (!resumed || n <= 0 || n > q) {
						t.Fatalf("the page answered %q, want a resumed request:\n%s", log[c.page].Range, logLines(log))
					}
					if res.WireBytes != size {
						t.Fatalf("%d body bytes written for a %d-byte file", res.WireBytes, size)
					}
				})
			}
		}
		// A source that only ever sends the page fails with that reason.
		for _, k := range []faultserver.Kind{faultserver.HTMLOctet, faultserver.HTMLPartial} {
			for _, digest := range []string{sha(data), ""} {
				t.Run(fmt.Sprintf("%s/always %s/digest=%v", protoName(proto), k, digest != ""), func(t *testing.T) {
					srv.Repeat(faultserver.Fault{Kind: k})
					defer srv.Repeat(faultserver.Fault{})
					f, _, _ := newTestFetcher(t, Config{Retries: 2, Deadline: 10 * time.Second, Client: faultClient(t, srv, 5*time.Second)})
					_, _, err := fetchRead(context.Background(), f, Target{URL: srv.URL + matrixPath, SHA256: digest})
					var na *NotArchiveError
					if !errors.As(err, &na) || !strings.Contains(err.Error(), "not the archive") {
						t.Fatalf("err = %v, want a NotArchiveError", err)
					}
					if archives, _ := os.ReadDir(f.archivesDir()); len(archives) != 0 {
						t.Fatalf("an archive was kept: %v", archives)
					}
				})
			}
		}
	}
}

// checkNotArchiveSegmented is TestNotArchiveRefused's case with segments
// on. The first response only hands the rest to segments, unread, so a cut
// in it never bites: a page "on resume" answers a segment's request
// instead. A page from zero is refused as with one connection. A page
// answering a segment is not written either: a 206 page is refused for
// its Content-Type and the segment asked again; a 200 page (html-octet)
// is a whole file where a range was asked, which stops the segments
// before a byte of it is read (it is never sniffed, so the fault is that
// one, not a NotArchiveError).
func checkNotArchiveSegmented(t *testing.T, f *Fetcher, ev *eventLog, srv *faultserver.Server, faults []faultserver.Fault, page int, data []byte, digest string) {
	t.Helper()
	nreq := len(srv.Requests())
	pageFault := faults[page]
	if page > 0 {
		faults = []faultserver.Fault{{}, pageFault}
	}
	srv.Script(faults...)
	res := fetchAll(t, f, Target{Name: "page", URL: srv.URL + matrixPath, SHA256: digest}, data)
	log := srv.Requests()[nreq:]
	fe := ev.kinds(EventFault)
	if len(fe) != 1 || res.Faults != 1 || log[page].Fault != pageFault.Kind {
		t.Fatalf("%d fault events, result %d faults; want the page's only: %+v\n%s", len(fe), res.Faults, fe, logLines(log))
	}
	var na *NotArchiveError
	switch {
	case page == 0 || pageFault.Kind == faultserver.HTMLPartial:
		if !errors.As(fe[0].Err, &na) || !strings.Contains(fe[0].Message, "not the archive") {
			t.Fatalf("the page's fault is %v (%q), want a NotArchiveError", fe[0].Err, fe[0].Message)
		}
		// Nothing of the page was written: the same range is asked
		// again and no body byte came twice.
		again := false
		for _, l := range log[page+1:] {
			again = again || l.Range == log[page].Range
		}
		if !again || res.WireBytes != int64(len(data)) {
			t.Fatalf("%d body bytes for a %d-byte file, range %q asked again: %v\n%s", res.WireBytes, len(data), log[page].Range, again, logLines(log))
		}
	default:
		if !strings.Contains(fe[0].Message, "continuing on one connection") {
			t.Fatalf("the page's fault is %v (%q), want the segments stopped", fe[0].Err, fe[0].Message)
		}
	}
	if archives, _ := os.ReadDir(f.archivesDir()); len(archives) != 1 {
		t.Fatalf("archives %v, want the one archive", archives)
	}
}

func logLines(log []faultserver.Logged) string {
	var b strings.Builder
	for i, l := range log {
		fmt.Fprintf(&b, "  %d: %s\n", i, l)
	}
	return b.String()
}
