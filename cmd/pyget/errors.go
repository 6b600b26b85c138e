package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError marks errors in how pyget was called (flags, requests,
// environment variables): exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string   { return e.err.Error() }
func (e usageError) Unwrap() error   { return e.err }
func (e usageError) ownText() string { return "" }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// silentError carries an exit code for a failure already reported.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// hintError attaches a hint line to an error.
type hintError struct {
	err  error
	hint string
}

func (e hintError) Error() string   { return e.err.Error() }
func (e hintError) Unwrap() error   { return e.err }
func (e hintError) ownText() string { return "" }

func withHint(err error, hint string) error { return hintError{err, hint} }

// topError is the first line of a failure ("Failed to install X"), with
// the cause below it.
type topError struct {
	msg string
	err error
}

func (e topError) Error() string   { return e.msg + ": " + e.err.Error() }
func (e topError) Unwrap() error   { return e.err }
func (e topError) ownText() string { return e.msg }

// layer is this package's wrapping errors: each says its own text ("" when
// it adds none), so chain does not have to read it off the message.
type layer interface {
	error
	ownText() string
}

func failed(msg string, err error) error { return topError{msg, err} }

// jobFailure heads a job's failure with what was being done ("Failed to
// install X"); other errors stay as they are.
func jobFailure(err error) error {
	var je *pipeline.JobError
	if errors.As(err, &je) && err == error(je) {
		return failed("Failed to "+je.Op+" "+je.What, je.Err)
	}
	var re *pipeline.RequestError
	if errors.As(err, &re) && err == error(re) {
		return failed(fmt.Sprintf("Failed to %s %q", re.Op, re.Request), re.Err)
	}
	return err
}

func exitCode(err error) int {
	var se silentError
	var ue usageError
	var pe *pyrequest.ParseError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &se):
		return se.code
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue), errors.As(err, &pe):
		return exitUsage
	}
	return exitFailure
}

// printError writes err as a chain, one cause a line, as uv does:
//
//	error: Failed to install cpython-3.14.6-linux-x86_64-gnu
//	  Caused by: ...
//	hint: ...
func printError(w io.Writer, err error, color bool) {
	var se silentError
	if errors.As(err, &se) {
		return
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, label("error", color)+": interrupted; a partial download is kept and the next run resumes it")
		return
	}
	lines := chain(err)
	fmt.Fprintln(w, label("error", color)+": "+lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintln(w, "  Caused by: "+l)
	}
	if h := hintFor(err); h != "" {
		fmt.Fprintln(w, label("hint", color)+": "+h)
	}
}

func label(s string, color bool) string {
	if !color {
		return s
	}
	if s == "error" {
		return "\x1b[1;31m" + s + "\x1b[0m"
	}
	return "\x1b[1;36m" + s + "\x1b[0m"
}

// chain splits an error into its layers. This package's layers say their
// own text; another package's wrapping layer's own text is its message
// minus the wrapped error's, which is all that fmt.Errorf leaves to go by.
// A layer that adds nothing is skipped, and a join of errors keeps its parts
// on their lines.
func chain(err error) []string {
	var out []string
	for err != nil {
		msg := err.Error()
		next := errors.Unwrap(err)
		if l, ok := err.(layer); ok && next != nil {
			if own := l.ownText(); own != "" {
				out = append(out, own)
			}
			err = next
			continue
		}
		if next == nil {
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				// A list error ("all 2 sources failed:\n  a\n  b") keeps its
				// heading, then each part on a line of its own.
				parts := joined.Unwrap()
				if head, _, multi := strings.Cut(msg, "\n"); multi && len(parts) > 0 && head != parts[0].Error() {
					out = append(out, strings.TrimSuffix(head, ":"))
				}
				for _, e := range parts {
					out = append(out, strings.Join(chain(e), ": "))
				}
				break
			}
			out = append(out, msg)
			break
		}
		inner := next.Error()
		if own, ok := strings.CutSuffix(msg, ": "+inner); ok {
			out = append(out, own)
		} else if msg != inner {
			// The layer rewrote its cause's text: keep it whole and stop,
			// since the cause is already in it.
			out = append(out, msg)
			break
		}
		err = next
	}
	if len(out) == 0 {
		out = []string{"unknown error"}
	}
	return out
}

// hintFor finds the most helpful hint for err.
func hintFor(err error) string {
	var he hintError
	if errors.As(err, &he) {
		return he.hint
	}
	var nd *pipeline.NoDownloadError
	if errors.As(err, &nd) {
		return noDownloadHint(nd)
	}
	var ae *attest.Error
	if errors.As(err, &ae) && ae.Hint != "" {
		return ae.Hint
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Sprintf("cannot resolve %s: offline? `--offline` uses cached data only; `--mirror`/`PYGET_DOWNLOADS_JSON` point at reachable copies", dns.Name)
	}
	var se *fetch.HTTPStatusError
	if errors.As(err, &se) && (se.Code == 404 || se.Code == 410) {
		return "the mirror may not carry this build; try another with --mirror, or check the URL above"
	}
	if se != nil && se.AuthFailed() {
		return "the server wants a login: put it in ~/.netrc (or the file $NETRC names) as `machine HOST login USER password PASSWORD`, or in the mirror URL as https://USER:PASSWORD@HOST/..."
	}
	var de *fetch.DigestError
	if errors.As(err, &de) {
		return "the download does not match the catalog's sha256; the mirror may serve a different file"
	}
	if errors.Is(err, pipeline.ErrOffline) {
		return "run without --offline (and PYGET_OFFLINE) once to download it"
	}
	if errors.Is(err, store.ErrLockTimeout) {
		return "another pyget is still installing this build; raise PYGET_LOCK_TIMEOUT to wait longer"
	}
	return ""
}
