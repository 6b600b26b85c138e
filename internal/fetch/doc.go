// Package fetch is pyget's resilient transfer layer.
//
// The whole transfer — request, response headers and the body stream — runs
// inside one retry loop. The body is written to
// <cache>/downloads/<key>.part while a consumer reads it through
// Stream.NewReader; a broken stream is resumed with an HTTP Range request
// underneath the consumer, which never sees a transient error.
//
// # Retry contract
//
// An attempt (one request and as much of its body as arrives) may be made
// any number of times for one transfer; the state it builds on — the bytes on
// disk, their running sha256 and the server's validator — lives outside the
// attempt, so calling it again continues where the last one stopped.
//
// PERMANENT errors end the transfer (or move on to the next mirror) at once.
// They are listed explicitly, because listing the transient ones instead
// always misses one:
//
//   - HTTP 4xx other than 408 and 429 (*HTTPStatusError, naming URL and code);
//   - certificate verification failures (x509 errors,
//     *tls.CertificateVerificationError) and a redirect from https to http;
//   - a sha256 mismatch on a complete body that was downloaded afresh from
//     byte zero after a first mismatch (*DigestError, naming both digests);
//   - a local file missing (file:// sources), disk full (ENOSPC, EDQUOT) and
//     permission denied (EACCES, EPERM, EROFS) — local disk problems also
//     stop the remaining mirrors;
//   - cancellation of the caller's context, and the overall Config.Deadline.
//
// EVERY other failure during a transfer is TRANSIENT and retried: refused,
// reset or aborted connections, broken pipes, timeouts, DNS failures, TLS
// handshake timeouts, unexpected EOF and bodies shorter than announced,
// HTTP/2 stream errors and GOAWAY, HTTP 408, 429 and 5xx, no byte for
// Config.IdleTimeout, and a response that is not the archive (an HTML error
// page served with status 200 or 206).
//
// Config.Retries bounds CONSECUTIVE attempts that brought no new byte; an
// attempt that made progress resets the count, so a long download over a
// flaky link never runs out of retries while it keeps advancing. Between
// attempts the loop sleeps with exponential backoff and full jitter, or for
// the server's Retry-After (capped at 60 s). IsPermanent applies the same
// classification to any error chain.
package fetch
