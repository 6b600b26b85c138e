package provenance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fsutil"
)

// maxRequest bounds the request read from stdin.
const maxRequest = 1 << 20

// ServeHelper is pyget-attest's main: it reads one attest.Request (JSON) from
// stdin, carries it out and writes one attest.Response (JSON) to stdout.
// It reads no environment variable: the request says everything. The exit
// code is 0 whenever a response was written (failures are in it), 2 when
// the request could not be read or the response not written.
func ServeHelper(stdin io.Reader, stdout, stderr io.Writer) int {
	var req attest.Request
	dec := json.NewDecoder(io.LimitReader(stdin, maxRequest))
	if err := dec.Decode(&req); err != nil {
		fmt.Fprintf(stderr, "pyget-attest: reading the request on stdin: %v\n", err)
		fmt.Fprintln(stderr, "pyget-attest is pyget's attestation verifier; pyget runs it, people need not")
		return 2
	}
	// pyget kills the helper when it gives up; an interrupt from the
	// terminal reaches both, and the helper then stops at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	resp := Serve(ctx, req)
	if err := json.NewEncoder(stdout).Encode(resp); err != nil {
		fmt.Fprintf(stderr, "pyget-attest: writing the response: %v\n", err)
		return 2
	}
	return 0
}

// Serve carries out one helper request: what ServeHelper does between
// reading and writing, for tests and in-process callers. Every answer
// carries the protocol version and this build's version; a request in
// another protocol is answered with an error of kind protocol and nothing
// else is done.
func Serve(ctx context.Context, req attest.Request) attest.Response {
	resp := serveRequest(ctx, req)
	resp.Protocol, resp.HelperVersion = attest.ProtocolVersion, attest.BuildVersion()
	return resp
}

func serveRequest(ctx context.Context, req attest.Request) attest.Response {
	if req.Protocol != attest.ProtocolVersion {
		return attest.Response{Error: &attest.ErrorInfo{Kind: attest.KindProtocol,
			Message: fmt.Sprintf("speaks protocol %d; the request is in protocol %d (pyget %s): install pyget and pyget-attest of one version", attest.ProtocolVersion, req.Protocol, orNone(req.PygetVersion))}}
	}
	cfg := Config{
		CacheDir:        req.CacheDir,
		APIURL:          req.APIURL,
		Token:           req.Token,
		TrustedRootPath: req.TrustedRootPath,
		Identity:        req.Identity,
		UserAgent:       req.UserAgent,
		Retries:         req.HTTPRetries,
		IdleTimeout:     req.HTTPTimeout,
		Netrc:           req.Netrc,
		Mirrors:         req.Mirrors,
		Offline:         req.Offline,
	}
	v, err := New(cfg)
	if err != nil {
		return errorResponse(err)
	}
	s := req.Subject
	switch req.Op {
	case attest.OpHello:
		var resp attest.Response
		if req.Detail {
			resp.TrustedRoot = v.DescribeTrustedRoot()
		}
		return resp
	case attest.OpCheck:
		out, err := v.Check(ctx, req.Mode, Subject{Name: s.Name, Release: s.Release, SHA256: s.SHA256, MirrorURL: s.MirrorURL})
		if err != nil {
			return errorResponse(err)
		}
		resp := attest.Response{Verified: out.Verified, Warning: out.Warning, Note: out.Note}
		if out.Verified {
			resp.Attestation = summary(out.Attestation)
		}
		return resp
	case attest.OpFetch:
		return serveFetch(ctx, v, req)
	case attest.OpVerify:
		raw, err := os.ReadFile(req.BundlePath)
		if err != nil {
			return attest.Response{Error: &attest.ErrorInfo{Kind: attest.KindUnavailable, Message: fmt.Sprintf("%s: reading its bundle: %v", s.Name, err)}}
		}
		att, err := v.VerifyBundle(raw, s.SHA256)
		if err != nil {
			return errorResponse(fmt.Errorf("%s: bundle %s: %w", s.Name, req.BundlePath, err))
		}
		return attest.Response{Verified: true, Attestation: summary(att), Note: s.Name + ": bundle verified: " + att.String()}
	}
	return attest.Response{Error: &attest.ErrorInfo{Kind: attest.KindOther, Message: fmt.Sprintf("unknown operation %q (want hello, check, fetch or verify)", req.Op)}}
}

// serveFetch gets the verified bundle for a digest and writes it to the
// requested path atomically; under Auto, no bundle to be had is a warning.
func serveFetch(ctx context.Context, v *Verifier, req attest.Request) attest.Response {
	s := req.Subject
	if req.BundlePath == "" {
		return attest.Response{Error: &attest.ErrorInfo{Kind: attest.KindOther, Message: "fetch: no bundle_path"}}
	}
	raw, err := v.fetchBundle(ctx, s.SHA256, req.Mode == Require)
	var u *UnavailableError
	if errors.As(err, &u) && req.Mode != Require {
		return attest.Response{Warning: s.Name + ": no bundle stored: " + u.Error()}
	}
	if err != nil {
		return errorResponse(&CheckError{Name: s.Name, Mode: req.Mode, Err: err})
	}
	if err := os.MkdirAll(filepath.Dir(req.BundlePath), 0o755); err != nil {
		return errorResponse(err)
	}
	if err := fsutil.WriteFile(req.BundlePath, raw, 0o644); err != nil {
		return errorResponse(fmt.Errorf("%s: writing its bundle: %w", s.Name, err))
	}
	return attest.Response{Verified: true, Note: s.Name + ": bundle stored in " + req.BundlePath}
}

func summary(a Attestation) *attest.Summary {
	return &attest.Summary{SignerIdentity: a.SignerIdentity, SourceRepo: a.SourceRepo, SourceCommit: a.SourceCommit, Source: a.Source, Detail: a.String()}
}

// errorResponse classifies err for pyget: unavailable (no bundle), a
// verification failure, or anything else; with the hint that helps.
func errorResponse(err error) attest.Response {
	info := &attest.ErrorInfo{Kind: attest.KindOther, Message: err.Error()}
	var ve *VerificationError
	var u *UnavailableError
	switch {
	case errors.As(err, &ve):
		info.Kind = attest.KindVerification
		info.Hint = ve.Hint
	case errors.As(err, &u):
		info.Kind = attest.KindUnavailable
		info.Hint = u.Hint()
	}
	return attest.Response{Error: info}
}
