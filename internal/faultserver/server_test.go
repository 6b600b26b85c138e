package faultserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const fileSize = 300_000

// testData is deterministic and aperiodic enough that an offset error shows.
func testData(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

var protos = []Proto{HTTP1, HTTP2}

func newServer(t testing.TB, p Proto) (*Server, []byte) {
	t.Helper()
	data := testData(fileSize)
	s := New(p, map[string][]byte{"/f.tar.gz": data, "/empty": {}})
	t.Cleanup(s.Close)
	return s, data
}

type result struct {
	resp *http.Response
	body []byte
	err  error // from the round trip or from reading the body
}

func get(t testing.TB, c *http.Client, method, url string, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return result{resp: resp, body: body, err: err}
}

func wantProto(t *testing.T, r result, p Proto) {
	t.Helper()
	want := 1
	if p == HTTP2 {
		want = 2
	}
	if r.resp != nil && r.resp.ProtoMajor != want {
		t.Errorf("response over %s, want HTTP/%d", r.resp.Proto, want)
	}
}

func TestNormalServing(t *testing.T) {
	for _, p := range protos {
		s, data := newServer(t, p)
		c := s.Client()
		first := get(t, c, "GET", s.URL+"/f.tar.gz")
		etag, lastMod := first.resp.Header.Get("ETag"), first.resp.Header.Get("Last-Modified")
		if etag == "" || !strings.HasPrefix(etag, `"`) || lastMod == "" {
			t.Fatalf("%v: validators ETag=%q Last-Modified=%q", p, etag, lastMod)
		}
		size := int64(len(data))
		tests := []struct {
			name      string
			method    string
			path      string
			hdr       []string
			status    int
			body      []byte
			respHdr   map[string]string
			wantNoLen bool
		}{
			{name: "full", method: "GET", path: "/f.tar.gz", status: 200, body: data,
				respHdr: map[string]string{"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream", "Content-Length": fmt.Sprint(size)}},
			{name: "open range", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=1000-"}, status: 206, body: data[1000:],
				respHdr: map[string]string{"Content-Range": fmt.Sprintf("bytes 1000-%d/%d", size-1, size)}},
			{name: "closed range", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=10-19"}, status: 206, body: data[10:20],
				respHdr: map[string]string{"Content-Range": fmt.Sprintf("bytes 10-19/%d", size), "Content-Length": "10"}},
			{name: "suffix range", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=-5"}, status: 206, body: data[size-5:]},
			{name: "range past end clamps", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", fmt.Sprintf("bytes=%d-%d", size-2, size+50)}, status: 206, body: data[size-2:]},
			{name: "unsatisfiable", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", fmt.Sprintf("bytes=%d-", size)}, status: 416, body: []byte{},
				respHdr: map[string]string{"Content-Range": fmt.Sprintf("bytes */%d", size)}},
			{name: "multi range ignored", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=0-1,5-6"}, status: 200, body: data},
			{name: "if-range etag matches", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=7-", "If-Range", etag}, status: 206, body: data[7:]},
			{name: "if-range date matches", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=7-", "If-Range", lastMod}, status: 206, body: data[7:]},
			{name: "if-range stale", method: "GET", path: "/f.tar.gz", hdr: []string{"Range", "bytes=7-", "If-Range", `"stale"`}, status: 200, body: data},
			{name: "if-none-match", method: "GET", path: "/f.tar.gz", hdr: []string{"If-None-Match", etag}, status: 304, body: []byte{},
				respHdr: map[string]string{"ETag": etag}},
			{name: "if-none-match other", method: "GET", path: "/f.tar.gz", hdr: []string{"If-None-Match", `"nope"`}, status: 200, body: data},
			{name: "head", method: "HEAD", path: "/f.tar.gz", status: 200, body: []byte{},
				respHdr: map[string]string{"Content-Length": fmt.Sprint(size), "ETag": etag}},
			{name: "empty file", method: "GET", path: "/empty", status: 200, body: []byte{}},
			{name: "not found", method: "GET", path: "/nope", status: 404},
		}
		for _, tt := range tests {
			t.Run(p.String()+"/"+tt.name, func(t *testing.T) {
				r := get(t, c, tt.method, s.URL+tt.path, tt.hdr...)
				if r.err != nil {
					t.Fatal(r.err)
				}
				wantProto(t, r, p)
				if r.resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d", r.resp.StatusCode, tt.status)
				}
				if tt.body != nil && !bytes.Equal(r.body, tt.body) {
					t.Errorf("body: got %d bytes, want %d (equal prefix: %v)", len(r.body), len(tt.body), bytes.HasPrefix(tt.body, r.body))
				}
				for k, v := range tt.respHdr {
					if got := r.resp.Header.Get(k); got != v {
						t.Errorf("%s = %q, want %q", k, got, v)
					}
				}
				if tt.method == "HEAD" && r.resp.ContentLength != size {
					t.Errorf("HEAD ContentLength %d, want %d", r.resp.ContentLength, size)
				}
			})
		}
		// The log saw every request above, in order, with what was sent.
		log := s.Requests()
		if len(log) != len(tests)+1 {
			t.Fatalf("%v: %d requests logged, want %d", p, len(log), len(tests)+1)
		}
		var sum int64
		for i, tt := range tests {
			l := log[i+1]
			if l.Path != tt.path || l.Status != tt.status || l.Method != tt.method {
				t.Errorf("%v log[%d] = %+v, want %s %s -> %d", p, i+1, l, tt.method, tt.path, tt.status)
			}
			if tt.body != nil && l.BytesSent != int64(len(tt.body)) {
				t.Errorf("%v log[%d] sent %d, want %d", p, i+1, l.BytesSent, len(tt.body))
			}
			if want := headerValue(tt.hdr, "Range"); l.Range != want {
				t.Errorf("%v log[%d].Range = %q, want %q", p, i+1, l.Range, want)
			}
			if want := headerValue(tt.hdr, "If-Range"); l.IfRange != want {
				t.Errorf("%v log[%d].IfRange = %q, want %q", p, i+1, l.IfRange, want)
			}
			// The ETag logged is the one sent: every answer about the file
			// carries it, another file has its own, the 404 has none.
			switch {
			case tt.path == "/f.tar.gz" && l.ETag != etag,
				tt.status == 404 && l.ETag != "",
				tt.path == "/empty" && (l.ETag == "" || l.ETag == etag):
				t.Errorf("%v log[%d].ETag = %q (the file's is %q)", p, i+1, l.ETag, etag)
			}
		}
		for _, l := range log {
			sum += l.BytesSent
		}
		if got := s.BodyBytesSent(); got != sum {
			t.Errorf("%v: BodyBytesSent %d, log sums to %d", p, got, sum)
		}
	}
}

func headerValue(hdr []string, name string) string {
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == name {
			return hdr[i+1]
		}
	}
	return ""
}

// TestFaults checks what a client sees for each fault, over both protocols.
func TestFaults(t *testing.T) {
	const at = 100_003 // not a chunk or frame multiple
	tests := []struct {
		name  string
		fault Fault
		hdr   []string
		check func(t *testing.T, p Proto, r result, data []byte)
	}{
		{name: "refuse", fault: Fault{Kind: RefuseStream}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			if r.resp != nil || r.err == nil {
				t.Fatalf("want a round-trip error, got response %v", r.resp)
			}
			if p == HTTP2 && !strings.Contains(r.err.Error(), "REFUSED_STREAM") {
				t.Errorf("error %q does not mention REFUSED_STREAM", r.err)
			}
		}},
		{name: "reset", fault: Fault{Kind: ResetMidBody, At: at}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data, at)
			if p == HTTP2 && !strings.Contains(r.err.Error(), "INTERNAL_ERROR") {
				t.Errorf("error %q does not mention INTERNAL_ERROR", r.err)
			}
			if p == HTTP1 && !isConnReset(r.err) {
				t.Errorf("error %q is not a connection reset", r.err)
			}
		}},
		{name: "reset at zero", fault: Fault{Kind: ResetMidBody, At: 0}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data, 0)
		}},
		{name: "close", fault: Fault{Kind: CloseMidBody, At: at}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data, at)
		}},
		{name: "goaway", fault: Fault{Kind: GoAwayMidBody, At: at}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data, at)
			if p == HTTP2 && !strings.Contains(r.err.Error(), "GOAWAY") {
				t.Errorf("error %q does not mention GOAWAY", r.err)
			}
		}},
		{name: "stall", fault: Fault{Kind: StallMidBody, At: at, Stall: 50 * time.Millisecond}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data, at)
		}},
		{name: "range then reset", fault: Fault{Kind: ResetMidBody, At: 10}, hdr: []string{"Range", "bytes=1000-"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data[1000:], 10)
		}},
		{name: "html", fault: Fault{Kind: HTMLPage}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantStatus(t, r, 200)
			if ct := r.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q", ct)
			}
			if !bytes.Contains(r.body, []byte("<html>")) {
				t.Errorf("body %q is not an HTML page", r.body)
			}
		}},
		{name: "html-octet", fault: Fault{Kind: HTMLOctet}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantStatus(t, r, 200)
			if ct := r.resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
				t.Errorf("Content-Type %q, want application/octet-stream", ct)
			}
			if string(r.body) != htmlBody || r.resp.ContentLength != int64(len(htmlBody)) {
				t.Errorf("body %q (Content-Length %d), want the HTML page", r.body, r.resp.ContentLength)
			}
			if r.resp.Header.Get("ETag") != "" {
				t.Errorf("an error page with the file's ETag %q", r.resp.Header.Get("ETag"))
			}
		}},
		{name: "html206", fault: Fault{Kind: HTMLPartial}, hdr: []string{"Range", "bytes=1000-"}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantHTMLPartial(t, r, 1000)
		}},
		{name: "html206 without range", fault: Fault{Kind: HTMLPartial}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantHTMLPartial(t, r, 0)
		}},
		{name: "html206 near the end", fault: Fault{Kind: HTMLPartial}, hdr: []string{"Range", fmt.Sprintf("bytes=%d-", fileSize-10)}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantStatus(t, r, 206)
			want := fmt.Sprintf("bytes %d-%d/%d", fileSize-10, fileSize-1, fileSize)
			if cr := r.resp.Header.Get("Content-Range"); cr != want || string(r.body) != htmlBody[:10] {
				t.Errorf("Content-Range %q body %q, want %q and the page's first 10 bytes", cr, r.body, want)
			}
		}},
		{name: "wrong range", fault: Fault{Kind: WrongRange, At: 0}, hdr: []string{"Range", "bytes=1000-1999"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantWrongRange(t, r, data, 0, 1000)
		}},
		{name: "wrong range at the asked start", fault: Fault{Kind: WrongRange, At: 1000}, hdr: []string{"Range", "bytes=1000-1999"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantWrongRange(t, r, data, 1001, 1000)
		}},
		{name: "wrong range clipped", fault: Fault{Kind: WrongRange, At: fileSize - 10}, hdr: []string{"Range", "bytes=0-99"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantWrongRange(t, r, data, fileSize-10, 10)
		}},
		{name: "wrong range without range", fault: Fault{Kind: WrongRange, At: 0}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantWrongRange(t, r, data, 1, fileSize-1)
		}},
		{name: "freeze", fault: Fault{Kind: FreezeMidBody, At: at, Stall: 50 * time.Millisecond}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantCut(t, r, data, at)
		}},
		{name: "status", fault: Fault{Kind: Status, Code: 503, RetryAfter: "7"}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantStatus(t, r, 503)
			if ra := r.resp.Header.Get("Retry-After"); ra != "7" {
				t.Errorf("Retry-After %q, want 7", ra)
			}
		}},
		{name: "status 429 no retry-after", fault: Fault{Kind: Status, Code: 429}, check: func(t *testing.T, p Proto, r result, _ []byte) {
			wantStatus(t, r, 429)
			if ra, ok := r.resp.Header["Retry-After"]; ok {
				t.Errorf("Retry-After %q sent, want none", ra)
			}
		}},
		{name: "ignore range", fault: Fault{Kind: IgnoreRange}, hdr: []string{"Range", "bytes=1000-"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantStatus(t, r, 200)
			if !bytes.Equal(r.body, data) {
				t.Errorf("got %d bytes, want the whole %d", len(r.body), len(data))
			}
		}},
		{name: "flip", fault: Fault{Kind: FlipByte, At: at}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantStatus(t, r, 200)
			wantFlipped(t, r.body, data, at)
		}},
		{name: "flip in range", fault: Fault{Kind: FlipByte, At: at}, hdr: []string{"Range", "bytes=1000-"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantStatus(t, r, 206)
			wantFlipped(t, r.body, data[1000:], at-1000)
		}},
		{name: "flip outside range", fault: Fault{Kind: FlipByte, At: 5}, hdr: []string{"Range", "bytes=1000-"}, check: func(t *testing.T, p Proto, r result, data []byte) {
			wantStatus(t, r, 206)
			if !bytes.Equal(r.body, data[1000:]) {
				t.Error("body changed though the flipped byte is outside the range")
			}
		}},
	}
	for _, p := range protos {
		s, data := newServer(t, p)
		c := s.NoRetryClient()
		for _, tt := range tests {
			t.Run(p.String()+"/"+tt.name, func(t *testing.T) {
				n := len(s.Requests())
				s.Script(tt.fault)
				r := get(t, c, "GET", s.URL+"/f.tar.gz", tt.hdr...)
				wantProto(t, r, p)
				tt.check(t, p, r, data)
				// Past the script, requests are served normally.
				after := get(t, c, "GET", s.URL+"/f.tar.gz")
				if after.err != nil || !bytes.Equal(after.body, data) {
					t.Fatalf("request after the fault: err %v, %d bytes", after.err, len(after.body))
				}
				log := s.Requests()[n:]
				if len(log) != 2 || log[0].Fault != tt.fault.Kind || log[0].Detail != tt.fault || log[1].Fault != None {
					t.Fatalf("log %+v", log)
				}
				if int64(len(r.body)) != log[0].BytesSent && tt.fault.Kind != RefuseStream {
					t.Errorf("client got %d body bytes, log says %d sent", len(r.body), log[0].BytesSent)
				}
				if tt.fault.Kind == RefuseStream && (log[0].Status != 0 || log[0].BytesSent != 0) {
					t.Errorf("refused request logged as %+v", log[0])
				}
			})
		}
	}
}

func wantCut(t *testing.T, r result, data []byte, at int) {
	t.Helper()
	if r.resp == nil {
		t.Fatalf("no response: %v", r.err)
	}
	wantStatus(t, r, r.resp.StatusCode)
	if r.err == nil {
		t.Fatalf("body read succeeded with %d bytes, want an error after %d", len(r.body), at)
	}
	if len(r.body) != at || !bytes.Equal(r.body, data[:at]) {
		t.Errorf("read %d bytes before the error (%v), want exactly %d correct ones", len(r.body), r.err, at)
	}
	if r.resp.ContentLength != int64(len(data)) {
		t.Errorf("Content-Length %d, want %d", r.resp.ContentLength, len(data))
	}
}

// wantWrongRange checks a 206 of n bytes from byte from, whatever was
// asked, whose Content-Range and Content-Length agree with its body.
func wantWrongRange(t *testing.T, r result, data []byte, from, n int) {
	t.Helper()
	wantStatus(t, r, 206)
	if cr, want := r.resp.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/%d", from, from+n-1, len(data)); cr != want {
		t.Errorf("Content-Range %q, want %q", cr, want)
	}
	if r.err != nil || !bytes.Equal(r.body, data[from:from+n]) || r.resp.ContentLength != int64(n) {
		t.Errorf("body of %d bytes (Content-Length %d, %v), want the file's %d bytes from %d", len(r.body), r.resp.ContentLength, r.err, n, from)
	}
}

// wantHTMLPartial checks a 206 that claims exactly the range asked from
// byte from, but holds an HTML page.
func wantHTMLPartial(t *testing.T, r result, from int) {
	t.Helper()
	wantStatus(t, r, 206)
	n := len(htmlBody)
	if ct := r.resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	if cr, want := r.resp.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/%d", from, from+n-1, fileSize); cr != want {
		t.Errorf("Content-Range %q, want %q", cr, want)
	}
	if string(r.body) != htmlBody || r.resp.ContentLength != int64(n) {
		t.Errorf("body %q (Content-Length %d), want the HTML page", r.body, r.resp.ContentLength)
	}
}

func wantStatus(t *testing.T, r result, code int) {
	t.Helper()
	if r.resp == nil {
		t.Fatalf("no response: %v", r.err)
	}
	if r.resp.StatusCode != code {
		t.Fatalf("status %d, want %d", r.resp.StatusCode, code)
	}
}

func wantFlipped(t *testing.T, got, want []byte, at int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d bytes, want %d", len(got), len(want))
	}
	for i := range got {
		if i == at {
			if got[i] != ^want[i] {
				t.Errorf("byte %d = %#x, want %#x inverted", i, got[i], want[i])
			}
		} else if got[i] != want[i] {
			t.Fatalf("byte %d changed, only %d should be", i, at)
		}
	}
}

// net/http retries a refused HTTP/2 stream by itself; the log shows both
// attempts, and the client sees only the success.
func TestRefuseTransparentRetryH2(t *testing.T) {
	s, data := newServer(t, HTTP2)
	s.Script(Fault{Kind: RefuseStream})
	r := get(t, s.Client(), "GET", s.URL+"/f.tar.gz")
	if r.err != nil || !bytes.Equal(r.body, data) {
		t.Fatalf("err %v, %d bytes", r.err, len(r.body))
	}
	log := s.Requests()
	if len(log) != 2 || log[0].Fault != RefuseStream || log[1].Status != 200 {
		t.Fatalf("log %+v", log)
	}
}

func TestChangeETag(t *testing.T) {
	for _, p := range protos {
		t.Run(p.String(), func(t *testing.T) {
			s, data := newServer(t, p)
			c := s.Client()
			r1 := get(t, c, "GET", s.URL+"/f.tar.gz")
			etag1, lm1 := r1.resp.Header.Get("ETag"), r1.resp.Header.Get("Last-Modified")
			s.Script(Fault{Kind: ChangeETag})
			r2 := get(t, c, "GET", s.URL+"/f.tar.gz", "Range", "bytes=100-", "If-Range", etag1)
			wantStatus(t, r2, 200)
			if !bytes.Equal(r2.body, data) {
				t.Error("changed file: want the whole body")
			}
			etag2, lm2 := r2.resp.Header.Get("ETag"), r2.resp.Header.Get("Last-Modified")
			if etag2 == etag1 || lm2 == lm1 {
				t.Fatalf("validators unchanged: %s %s", etag2, lm2)
			}
			// The new validator sticks and resumes work against it.
			r3 := get(t, c, "GET", s.URL+"/f.tar.gz", "Range", "bytes=100-", "If-Range", etag2)
			wantStatus(t, r3, 206)
			r4 := get(t, c, "GET", s.URL+"/f.tar.gz", "Range", "bytes=100-", "If-Range", lm1)
			wantStatus(t, r4, 200)
		})
	}
}

func TestSetFileAndRepeat(t *testing.T) {
	for _, p := range protos {
		t.Run(p.String(), func(t *testing.T) {
			s, _ := newServer(t, p)
			c := s.Client()
			etag1 := get(t, c, "GET", s.URL+"/f.tar.gz").resp.Header.Get("ETag")
			s.SetFile("/f.tar.gz", []byte("new content"))
			r := get(t, c, "GET", s.URL+"/f.tar.gz")
			if string(r.body) != "new content" || r.resp.Header.Get("ETag") == etag1 {
				t.Fatalf("after SetFile: %q etag %s", r.body, r.resp.Header.Get("ETag"))
			}
			s.SetFile("/added", []byte("x"))
			if r := get(t, c, "GET", s.URL+"/added"); string(r.body) != "x" {
				t.Fatalf("added file: %q", r.body)
			}

			s.Repeat(Fault{Kind: Status, Code: 502})
			s.Script(Fault{Kind: HTMLPage})
			want := []int{200, 502, 502, 502}
			for i, code := range want {
				if r := get(t, c, "GET", s.URL+"/added"); r.resp.StatusCode != code {
					t.Fatalf("request %d: status %d, want %d", i, r.resp.StatusCode, code)
				}
			}
			s.Repeat(Fault{})
			if r := get(t, c, "GET", s.URL+"/added"); r.resp.StatusCode != 200 {
				t.Fatalf("after clearing Repeat: status %d", r.resp.StatusCode)
			}
		})
	}
}

// Several streams at once on one HTTP/2 connection (and parallel HTTP/1.1
// connections), one of them faulted, must not disturb the others.
func TestConcurrent(t *testing.T) {
	for _, p := range protos {
		t.Run(p.String(), func(t *testing.T) {
			s, data := newServer(t, p)
			big := testData(3 << 20)
			s.SetFile("/big", big)
			c := s.Client()
			get(t, c, "GET", s.URL+"/f.tar.gz") // warm the connection
			s.Script(Fault{Kind: ResetMidBody, At: 1234})
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, failed := 0, 0
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					path, want := "/f.tar.gz", data
					if i%2 == 0 {
						path, want = "/big", big
					}
					r := get(t, c, "GET", s.URL+path)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case r.err == nil && bytes.Equal(r.body, want):
						ok++
					case r.err != nil:
						failed++
					default:
						t.Errorf("%s: wrong body without an error", path)
					}
				}()
			}
			wg.Wait()
			if ok != 7 || failed != 1 {
				t.Fatalf("%d ok, %d failed; want 7 and 1", ok, failed)
			}
		})
	}
}

// Close must not wait for a stall to end.
func TestCloseDuringStall(t *testing.T) {
	for _, p := range protos {
		t.Run(p.String(), func(t *testing.T) {
			s, data := newServer(t, p)
			s.Script(Fault{Kind: StallMidBody, At: 1000}) // no Stall: until closed
			resp, err := s.Client().Get(s.URL + "/f.tar.gz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			buf := make([]byte, 1000)
			if _, err := io.ReadFull(resp.Body, buf); err != nil || !bytes.Equal(buf, data[:1000]) {
				t.Fatalf("first 1000 bytes: %v", err)
			}
			closed := make(chan struct{})
			go func() { s.Close(); close(closed) }()
			select {
			case <-closed:
			case <-time.After(4 * time.Second): // a hang guard, not a speed goal
				t.Fatal("Close blocked on a stalled response")
			}
			if _, err := io.ReadAll(resp.Body); err == nil {
				t.Error("body completed though the server stalled then closed")
			}
		})
	}
}

func TestOnRequestAndCAFile(t *testing.T) {
	s, _ := newServer(t, HTTP2)
	got := make(chan Logged, 1)
	s.OnRequest(func(l Logged) { got <- l })
	s.Script(Fault{Kind: CloseMidBody, At: 8 << 10})
	get(t, s.NoRetryClient(), "GET", s.URL+"/f.tar.gz", "Range", "bytes=123-")
	l := <-got
	if l.Conn == "" {
		t.Error("the log names no connection")
	}
	want := "GET /f.tar.gz range=bytes=123- -> 206 (fault: close at 8.0 KiB) sent 8.0 KiB conn=" + l.Conn
	if l.String() != want {
		t.Errorf("log line\n got %q\nwant %q", l.String(), want)
	}
	path, err := s.CAFile(t.TempDir())
	if err != nil || path == "" {
		t.Fatalf("CAFile: %q %v", path, err)
	}
	if s.CertPool() == nil {
		t.Error("no CertPool for HTTP2")
	}
	h1 := New(HTTP1, nil)
	defer h1.Close()
	if p, err := h1.CAFile(t.TempDir()); p != "" || err != nil || h1.CertPool() != nil {
		t.Errorf("HTTP1 CA: %q %v", p, err)
	}
}

// TestPaceAndConnections: a paced response takes the time its size asks for
// (checked against the clock's lower bound only, which a slow machine can
// only exceed), and two concurrent requests on two connections are logged
// with two distinct Conn values.
func TestPaceAndConnections(t *testing.T) {
	s, _ := newServer(t, HTTP1)
	const pace = 1 << 20
	s.Script(Fault{Pace: pace})
	began := time.Now()
	resp, err := s.NoRetryClient().Get(s.URL + "/f.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if min := time.Duration(float64(n-pace/20) / pace * float64(time.Second)); time.Since(began) < min {
		t.Errorf("%d bytes paced at %d B/s took %v, want at least %v", n, pace, time.Since(began), min)
	}
	c := s.NoRetryClient()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, err := c.Get(s.URL + "/f.tar.gz"); err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}()
	}
	wg.Wait()
	logs := s.Requests()
	if len(logs) != 3 || logs[1].Conn == "" || logs[1].Conn == logs[2].Conn {
		t.Errorf("want 3 requests, the last two on distinct connections; got %v", logs)
	}
}

// SetFirstByteDelay holds every response back before its status line; the
// body is then the file's. The check is a lower bound the server itself
// enforces (it cannot fail on a slow machine), and 0 turns it off.
func TestFirstByteDelay(t *testing.T) {
	const delay = 80 * time.Millisecond
	for _, p := range protos {
		t.Run(p.String(), func(t *testing.T) {
			s, data := newServer(t, p)
			s.SetFirstByteDelay(delay)
			for i := range 2 { // a fresh connection and a reused one
				began := time.Now()
				r := get(t, s.Client(), "GET", s.URL+"/f.tar.gz", "Range", "bytes=10-")
				if waited := time.Since(began); waited < delay {
					t.Errorf("request %d: the response came after %v, want at least %v", i, waited, delay)
				}
				wantStatus(t, r, 206)
				if !bytes.Equal(r.body, data[10:]) {
					t.Errorf("request %d: %d body bytes, want the file's from 10", i, len(r.body))
				}
			}
			s.SetFirstByteDelay(0)
			if r := get(t, s.Client(), "GET", s.URL+"/f.tar.gz"); r.err != nil || !bytes.Equal(r.body, data) {
				t.Errorf("without the delay: %v, %d bytes", r.err, len(r.body))
			}
		})
	}
}

// SetSharedPace paces all responses together: two concurrent responses
// take at least their combined size over the shared rate (a lower bound
// the server enforces, which a slow machine can only exceed), where
// SetPace alone would let each go at the full rate.
func TestSharedPace(t *testing.T) {
	s, data := newServer(t, HTTP1)
	const pace = 2 << 20
	s.SetSharedPace(pace)
	c := s.NoRetryClient()
	began := time.Now()
	var wg sync.WaitGroup
	var got [2]int64
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, err := c.Get(s.URL + "/f.tar.gz"); err == nil {
				got[i], _ = io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}()
	}
	wg.Wait()
	total := got[0] + got[1]
	if total != 2*int64(len(data)) {
		t.Fatalf("received %d bytes, want the file twice (%d)", total, 2*len(data))
	}
	// Each of the two may start with one chunk at once.
	if min := time.Duration(float64(total-2*pace/20) / pace * float64(time.Second)); time.Since(began) < min {
		t.Errorf("two responses of %d bytes sharing %d B/s took %v, want at least %v", len(data), pace, time.Since(began), min)
	}
	s.SetSharedPace(0)
	if r := get(t, s.Client(), "GET", s.URL+"/f.tar.gz"); r.err != nil || int64(len(r.body)) != int64(len(data)) {
		t.Errorf("without the shared pace: %v, %d bytes", r.err, len(r.body))
	}
}
