// Package fetch is pyget's resilient transfer layer.
//
// It owns everything between a URL and a verified archive on disk: the HTTP
// client and its redirect policy, the one retry loop (retry.go), the one
// classification of failures (classify.go), the resume decision on a
// response (response.go), the partial file and its sidecar under
// <cache>/downloads (partial.go), the verified archive cache under
// <cache>/archives (cache.go) and the Stream that lets a consumer read an
// archive while it arrives (stream.go). It reads no environment variable;
// the caller passes a Config (DefaultConfig, then its own settings).
//
// It must never import store, pipeline, catalog or cmd: they build on it.
// Of pyget's packages it uses only archive (the archive suffixes and
// signatures) and fsutil (the download lock).
//
// The whole transfer — request, response headers and the body stream — runs
// inside one retry loop. The body is written to <cache>/downloads/<key>.part
// while a consumer reads it through Stream.NewReader; a broken stream is
// resumed with an HTTP Range request (and If-Range with the validator of
// the response the bytes came from) underneath the consumer, which never
// sees a transient error. Get, for the catalog, runs in the same loop.
//
// # Retry contract
//
// An attempt (one request and as much of its body as arrives) may be made
// any number of times for one transfer; the state it builds on — the bytes
// on disk, their running sha256 and the server's validator — lives outside
// the attempt (in the partial), so calling it again continues where the
// last one stopped.
//
// Every failed attempt gets one of three verdicts from classify, the one
// place that decides: retry (the same source again), next source (the next
// mirror, continuing from the bytes on disk) or stop (the transfer ends).
// The permanent conditions are listed explicitly, because listing the
// transient ones instead always misses one:
//
//   - next source: HTTP 4xx other than 408 and 429 (*HTTPStatusError, naming
//     URL and code); certificate verification failures (x509 errors,
//     *tls.CertificateVerificationError); a redirect from https to http or a
//     redirect loop; a sha256 mismatch on a complete body downloaded afresh
//     from byte zero after a first mismatch (*DigestError, naming both
//     digests); a file:// source that is missing, unreadable or on a full
//     disk;
//   - stop: a failure of the cache's own disk (disk full, permission
//     denied, any write, truncate, rename or lock error there), the
//     cancellation of the caller's context, and the overall Config.Deadline.
//
// EVERY other failure is TRANSIENT and retried: refused, reset or aborted
// connections, broken pipes, timeouts, DNS failures (the fault event says
// "cannot resolve HOST (offline?)"), TLS handshake timeouts, unexpected EOF
// and bodies shorter than announced, HTTP/2 stream errors and GOAWAY, HTTP
// 408, 429 and 5xx, no byte for Config.IdleTimeout, a response that is not
// the archive (an HTML error page served with status 200 or 206: the
// partial is kept), a range that does not continue the partial (a 416, a
// wrong Content-Range, a body longer than announced: the partial is
// discarded and the next attempt starts from zero), and a first digest
// mismatch (the partial is discarded and the body fetched once more from
// zero). A 200 answering a resumed request is no failure: the partial is
// discarded and the body taken, reported as a recovered fault.
//
// Config.Retries bounds CONSECUTIVE attempts that brought no new byte (a
// byte past the highest offset this transfer ever wrote; bytes fetched
// again after a restart from zero do not count); an attempt that made
// progress resets the count, so a long download over a flaky link never runs
// out of retries while it keeps advancing. Retries 0 means one attempt per
// source. Between attempts the loop emits an EventFault and sleeps with
// exponential backoff and full jitter, or for the server's Retry-After
// (capped at 60 s). When a source's budget is spent the next mirror is
// tried. IsPermanent applies the same classification to any error chain: it
// reports whether the verdict is not retry.
//
// # Segments
//
// A large archive from a server with a strong ETag that takes ranges is
// fetched in segments, up to Config.Connections at once, each on its own
// HTTP/1.1 connection (segments.go). The loop then supervises each
// connection: every connection is a worker running retryLoop over the
// segment it holds, under the same contract — one classify, one judge,
// resumes with Range and If-Range — with the budget counting bytes gained by
// any segment. A worker's loop that gives up ends the segmented run, and the
// transfer moves to the next mirror with every segment kept; a response that
// shows the segments cannot go on (a 200, another or a weak validator, a
// range that does not fit) drops the bytes past the contiguous prefix and
// the transfer continues on one connection.
package fetch
