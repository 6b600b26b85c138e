package fetch

import (
	"testing"
)

// TestJudge covers every branch of the decision on a response: 200, 206,
// 416 and the rest, from byte zero and on a resumed request, with the total
// known or not and the expected size known or not.
func TestJudge(t *testing.T) {
	const (
		etag = `"v1"`
		lm   = "Thu, 02 Jan 2025 03:04:05 GMT"
	)
	val := validator{ETag: etag, LastModified: lm}
	ok := func(status int, cl int64, cr string) response {
		return response{Status: status, ContentLength: cl, ContentRange: cr, ContentType: "application/octet-stream", ETag: etag, LastModified: lm}
	}
	html := func(r response) response { r.ContentType = "Text/HTML; charset=utf-8"; return r }
	cases := []struct {
		name                    string
		resp                    response
		offset, total, expected int64
		want                    decision
	}{
		// 200
		{"200 from zero", ok(200, 1000, ""), 0, -1, 0, decision{act: appendBody, total: 1000, val: val}},
		{"200 from zero, size expected", ok(200, 1000, ""), 0, 1000, 1000, decision{act: appendBody, total: 1000, val: val}},
		{"200 from zero, no length", ok(200, -1, ""), 0, -1, 0, decision{act: appendBody, total: -1, val: val}},
		{"200 from zero, no length, size expected", ok(200, -1, ""), 0, 1000, 1000, decision{act: appendBody, total: 1000, val: val}},
		{"200 on resume: restart and take it", ok(200, 1000, ""), 400, 1000, 0, decision{act: restartBody, total: 1000, val: val}},
		{"200 on resume, new size", ok(200, 1200, ""), 400, 1000, 0, decision{act: restartBody, total: 1200, val: val}},
		{"200 text/html", html(ok(200, 1000, "")), 0, -1, 0, decision{act: notArchive, why: "text/html page"}},
		{"200 text/html on resume keeps the partial", html(ok(200, 1000, "")), 400, 1000, 0, decision{act: notArchive, why: "text/html page"}},
		{"200 wrong length", ok(200, 512, ""), 400, 1000, 1000, decision{act: notArchive, why: "512 bytes, want 1000"}},
		// 206
		{"206 continues", ok(206, 600, "bytes 400-999/1000"), 400, 1000, 0, decision{act: appendBody, total: 1000, val: val}},
		{"206 teaches the total", ok(206, 600, "bytes 400-999/1000"), 400, -1, 0, decision{act: appendBody, total: 1000, val: val}},
		{"206 unknown size keeps the total", ok(206, 600, "bytes 400-999/*"), 400, 1000, 0, decision{act: appendBody, total: 1000, val: val}},
		{"206 no length announced", ok(206, -1, "bytes 400-999/1000"), 400, 1000, 0, decision{act: appendBody, total: 1000, val: val}},
		{"206 from the wrong byte", ok(206, 1000, "bytes 0-999/1000"), 400, 1000, 0,
			decision{act: badRange, why: `Content-Range "bytes 0-999/1000" for a request from byte 400`}},
		{"206 other total", ok(206, 800, "bytes 400-1199/1200"), 400, 1000, 0,
			decision{act: badRange, why: `Content-Range "bytes 400-1199/1200" for a request from byte 400`}},
		{"206 length disagrees with range", ok(206, 100, "bytes 400-999/1000"), 400, 1000, 0,
			decision{act: badRange, why: `Content-Range "bytes 400-999/1000" for a request from byte 400`}},
		{"206 malformed range", ok(206, 600, "bytes 400-"), 400, 1000, 0,
			decision{act: badRange, why: `Content-Range "bytes 400-" for a request from byte 400`}},
		{"206 no range", ok(206, 600, ""), 400, 1000, 0,
			decision{act: badRange, why: `Content-Range "" for a request from byte 400`}},
		{"206 text/html continuing the range", html(ok(206, 600, "bytes 400-999/1000")), 400, 1000, 0, decision{act: notArchive, why: "text/html page"}},
		{"206 text/html with a wrong range", html(ok(206, 1000, "bytes 0-999/1000")), 400, 1000, 0,
			decision{act: badRange, why: `Content-Range "bytes 0-999/1000" for a request from byte 400`}},
		// 416
		{"416 at the end: complete", ok(416, 0, "bytes */1000"), 1000, -1, 0, decision{act: complete, total: 1000}},
		{"416 at the known end: complete", ok(416, 0, "bytes */1000"), 1000, 1000, 1000, decision{act: complete, total: 1000}},
		{"416 short of the end", ok(416, 0, "bytes */1000"), 400, 1000, 0,
			decision{act: badRange, why: `416 for a request from byte 400 (Content-Range "bytes */1000")`}},
		{"416 at another total", ok(416, 0, "bytes */1000"), 1000, 1200, 0,
			decision{act: badRange, why: `416 for a request from byte 1000 (Content-Range "bytes */1000")`}},
		{"416 without Content-Range", ok(416, 0, ""), 1000, -1, 0,
			decision{act: badRange, why: `416 for a request from byte 1000 (Content-Range "")`}},
		{"416 from zero", ok(416, 0, "bytes */0"), 0, -1, 0,
			decision{act: badRange, why: `416 for a request from byte 0 (Content-Range "bytes */0")`}},
		// the rest
		{"404", ok(404, 9, ""), 0, -1, 0, decision{act: badStatus}},
		{"503 on resume", ok(503, 0, ""), 400, 1000, 0, decision{act: badStatus}},
		{"304", ok(304, 0, ""), 0, -1, 0, decision{act: badStatus}},
		{"302 not followed", ok(302, 0, ""), 0, -1, 0, decision{act: badStatus}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := judge(tc.resp, tc.offset, tc.total, tc.expected); got != tc.want {
				t.Fatalf("judge(%+v, offset %d, total %d, expected %d)\n got %+v\nwant %+v", tc.resp, tc.offset, tc.total, tc.expected, got, tc.want)
			}
		})
	}
}

func TestIfRange(t *testing.T) {
	const u, lm = "https://m/a.tar.gz", "Thu, 02 Jan 2025 03:04:05 GMT"
	cases := []struct {
		v    validator
		u    string
		want string
	}{
		{validator{URL: u, ETag: `"abc"`, LastModified: lm}, u, `"abc"`},
		{validator{URL: u, ETag: `W/"abc"`, LastModified: lm}, u, lm},
		{validator{URL: u, LastModified: lm}, u, lm},
		{validator{URL: u}, u, ""},
		{validator{URL: u, ETag: `"abc"`}, "https://other/a.tar.gz", ""},
		{validator{}, u, ""},
	}
	for _, tc := range cases {
		if got := tc.v.ifRange(tc.u); got != tc.want {
			t.Errorf("%+v.ifRange(%q) = %q, want %q", tc.v, tc.u, got, tc.want)
		}
	}
}
