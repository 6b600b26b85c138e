package attest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// HelperName is the helper executable's name (with .exe on Windows).
const HelperName = "pyget-attest"

// InstallHint says how to get the helper.
const InstallHint = "install pyget and pyget-attest together, the same version side by side: `go install github.com/pyget/pyget/cmd/...@latest`, or `make build`, which builds both into bin/"

// ErrUnavailable is what every *Error of KindUnavailable is (errors.Is): no
// attestation could be obtained (none published, the API refused or could
// not be reached, the helper is missing), so nothing was verified.
var ErrUnavailable = errors.New("no attestation available")

// ErrVerification is what every *Error of KindVerification is (errors.Is):
// an attestation was obtained and does not verify.
var ErrVerification = errors.New("attestation failed verification")

// Error is a failure the helper reported (or running it met). Message says
// what and for which build; Hint, when set, says what may help.
type Error struct {
	Kind    string
	Message string
	Hint    string
	// Err is the underlying error when the failure was pyget's own (the
	// helper would not start, its answer was unreadable).
	Err error
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnavailable) and errors.Is(err,
// ErrVerification) follow Kind.
func (e *Error) Is(target error) bool {
	return (target == ErrUnavailable && e.Kind == KindUnavailable) ||
		(target == ErrVerification && e.Kind == KindVerification)
}

// Result is what an operation decided when the caller may proceed.
type Result struct {
	Verified    bool
	Attestation *Summary
	// Warning: one line to show (Auto, no bundle); it names the build.
	Warning string
	// Note: one line for -v (what was verified, or why nothing was).
	Note string
}

// Helper runs pyget-attest. The zero value with Mode and Settings filled is
// ready; the helper is looked for on first use, so a Helper that checks
// nothing costs nothing.
type Helper struct {
	Mode Mode
	Settings
	// Path is the helper to run; "" = Locate's answer.
	Path string
	// PygetVersion is the running pyget's build (BuildVersion's answer
	// unless set): the helper must be the same build under Require.
	PygetVersion string

	once    sync.Once
	path    string
	pathErr error
}

// ErrHelperMissing is what a Helper that found no pyget-attest reports
// (wrapped in an *Error of KindUnavailable).
var ErrHelperMissing = errors.New(HelperName + " not found beside pyget or on PATH")

// ErrHelperUnusable is what a Helper reports (wrapped) when the
// pyget-attest found cannot serve as the verifier: it would not run, its
// answer was unreadable, or it speaks another protocol. Like a missing
// helper, it is "no verifier": Auto warns, Require refuses.
var ErrHelperUnusable = errors.New(HelperName + " unusable")

// unusableError says why the helper found cannot be used.
type unusableError struct {
	path, why string
	err       error
}

func (e *unusableError) Error() string { return fmt.Sprintf("%s %s", e.path, e.why) }
func (e *unusableError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrHelperUnusable}
	}
	return []error{ErrHelperUnusable, e.err}
}

// BuildVersion is this binary's module version ("dev" for a build from a
// work tree without one); pyget and pyget-attest built together agree.
func BuildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Locate finds the helper: beside the running executable first (a release
// ships both), then on PATH.
func Locate() (string, error) {
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", ErrHelperMissing
}

func (h *Helper) helperPath() (string, error) {
	h.once.Do(func() {
		if h.Path != "" {
			h.path = h.Path
			return
		}
		h.path, h.pathErr = Locate()
	})
	return h.path, h.pathErr
}

// call runs the helper on req and waits for its answer; ending ctx kills
// it. The request's Mode, Settings and handshake are h's. The error is
// ErrHelperMissing, an *unusableError (ErrHelperUnusable), or the
// context's error; the Response may carry an error of its own.
// Callers that want it beside other work (the pipeline, beside the
// download) run it on a goroutine of their own.
func (h *Helper) call(ctx context.Context, req Request) (Response, error) {
	req.Mode = h.Mode
	req.Settings = h.Settings
	req.Protocol = ProtocolVersion
	req.PygetVersion = h.pygetVersion()
	path, err := h.helperPath()
	if err != nil {
		return Response{}, err
	}
	resp, err := run(ctx, path, req)
	if err != nil {
		return resp, err
	}
	if resp.Protocol != ProtocolVersion {
		why := fmt.Sprintf("speaks protocol %d, not pyget's %d", resp.Protocol, ProtocolVersion)
		if resp.Protocol == 0 {
			why = "answered without a protocol version (not pyget's verifier, or an older one)"
		}
		return Response{}, &unusableError{path: path, why: why}
	}
	if resp.Error != nil && resp.Error.Kind == KindProtocol {
		return Response{}, &unusableError{path: path, why: resp.Error.Message}
	}
	return resp, nil
}

func (h *Helper) pygetVersion() string {
	if h.PygetVersion != "" {
		return h.PygetVersion
	}
	return BuildVersion()
}

// mismatch is why, under Require, the helper's answer cannot be trusted
// although it speaks the protocol: another build than pyget's; "" when it
// is the same build.
func (h *Helper) mismatch(resp Response) string {
	if resp.HelperVersion == h.pygetVersion() {
		return ""
	}
	return fmt.Sprintf("%s is version %s, pyget is %s", h.path, orUnknown(resp.HelperVersion), h.pygetVersion())
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func run(ctx context.Context, path string, req Request) (Response, error) {
	in, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// The token travels on stdin; the helper's environment holds none.
	cmd.Env = helperEnv(os.Environ())
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return Response{}, ctx.Err()
	}
	var resp Response
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		if crashed(runErr, stderr.Bytes()) {
			// It started and died in the middle: perhaps on the very
			// bundle it was checking. Not "no verifier": a failure.
			return Response{}, fmt.Errorf("%s crashed%s: %w", path, stderrTail(stderr.Bytes()), runErr)
		}
		if runErr != nil {
			return Response{}, &unusableError{path: path, why: fmt.Sprintf("would not run: %v%s", runErr, stderrTail(stderr.Bytes())), err: runErr}
		}
		return Response{}, &unusableError{path: path, why: fmt.Sprintf("answered no readable response: %v", err), err: err}
	}
	return resp, nil
}

// crashed tells a helper that started and crashed (a Go panic or fatal
// error, or killed by a signal) from one that merely would not serve (not
// executable, a foreign program's usage message).
func crashed(runErr error, stderr []byte) bool {
	var ee *exec.ExitError
	if !errors.As(runErr, &ee) {
		return false
	}
	if ee.ExitCode() == -1 { // killed by a signal (ctx was not cancelled)
		return true
	}
	return bytes.Contains(stderr, []byte("panic: ")) || bytes.Contains(stderr, []byte("fatal error: "))
}

// helperEnv is env without the variables that hold tokens (GITHUB_TOKEN,
// GH_TOKEN, GH_ENTERPRISE_TOKEN, …: any name with TOKEN in it), nor
// PYGET_ATTESTATION_IDENTITY and the like, which travel in the request.
func helperEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.Contains(strings.ToUpper(name), "TOKEN") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// stderrTail is the helper's last stderr line, for a message.
func stderrTail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// result turns a helper's answer into a Result or an *Error.
func result(resp Response, err error, name string) (Result, error) {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return Result{}, err
		}
		return Result{}, &Error{Kind: KindOther, Message: fmt.Sprintf("%s: checking the attestation: %v", name, err), Err: err}
	}
	if e := resp.Error; e != nil {
		kind := e.Kind
		if kind != KindUnavailable && kind != KindVerification {
			kind = KindOther
		}
		return Result{}, &Error{Kind: kind, Message: e.Message, Hint: e.Hint}
	}
	return Result{Verified: resp.Verified, Attestation: resp.Attestation, Warning: resp.Warning, Note: resp.Note}, nil
}

// Check decides about one build under h.Mode: Off starts no helper; a
// build of a release older than the first attested one is noted, not looked
// up (Require refuses it); otherwise the helper verifies. A missing helper
// is no bundle: Auto warns, Require fails with InstallHint. A nil error
// means the install may proceed.
func (h *Helper) Check(ctx context.Context, s Subject) (Result, error) {
	if h.Mode == Off {
		return Result{Note: s.Name + ": attestation not checked (attestations off)"}, nil
	}
	if reason := notAttested(s); reason != "" {
		if h.Mode == Require {
			return Result{}, &Error{Kind: KindUnavailable, Message: RequiredMessage(s.Name, reason)}
		}
		return Result{Note: s.Name + ": attestation not checked: " + reason}, nil
	}
	resp, err := h.call(ctx, Request{Op: OpCheck, Subject: s})
	if errors.Is(err, ErrHelperMissing) || errors.Is(err, ErrHelperUnusable) {
		return h.noVerifier(s.Name, err)
	}
	r, err := result(resp, err, s.Name)
	if err == nil && h.Mode == Require {
		if why := h.mismatch(resp); why != "" {
			return Result{}, &Error{Kind: KindUnavailable, Message: RequiredMessage(s.Name, why), Hint: InstallHint, Err: ErrHelperUnusable}
		}
		if !r.Verified {
			// The helper is found by name; one that is not ours must
			// not let an unverified build through.
			return Result{}, &Error{Kind: KindOther, Message: RequiredMessage(s.Name, "pyget-attest answered without a verified attestation")}
		}
	}
	return r, err
}

// notAttested says why s has no attestation to look up: a build that is not
// python-build-standalone's, or a release older than its first attested
// one; "" when it should have one.
func notAttested(s Subject) string {
	switch {
	case s.NotPBS:
		return "not a python-build-standalone build"
	case s.Release != "" && !Attested(s.Release):
		return fmt.Sprintf("release %s predates python-build-standalone's attestations (first: %s)", s.Release, FirstAttestedRelease)
	}
	return ""
}

// noVerifier is the verdict when no usable helper was found (err says
// why): Auto warns, Require refuses with InstallHint.
func (h *Helper) noVerifier(name string, err error) (Result, error) {
	if h.Mode == Require {
		return Result{}, &Error{Kind: KindUnavailable, Message: RequiredMessage(name, err.Error()), Hint: InstallHint, Err: err}
	}
	return Result{Warning: name + ": attestation not verified: no verifier: " + err.Error()}, nil
}

// RequiredMessage is how a refusal under Require reads, wherever it is
// decided (here, or by the helper).
func RequiredMessage(name, reason string) string {
	return fmt.Sprintf("%s: no verified attestation, and attestations are required: %s", name, reason)
}

// Fetch obtains and verifies the bundle for s.SHA256 and writes it to path
// (pyget mirror). Under Off it does nothing; when no bundle can be had,
// Auto gives a Warning and Require an *Error; a bundle that fails
// verification is an *Error either way.
func (h *Helper) Fetch(ctx context.Context, s Subject, path string) (Result, error) {
	if h.Mode == Off {
		return Result{}, nil
	}
	resp, err := h.call(ctx, Request{Op: OpFetch, Subject: s, BundlePath: path})
	if errors.Is(err, ErrHelperMissing) || errors.Is(err, ErrHelperUnusable) {
		return h.noVerifier(s.Name, err)
	}
	if err == nil && h.Mode == Require {
		if why := h.mismatch(resp); why != "" {
			return Result{}, &Error{Kind: KindUnavailable, Message: RequiredMessage(s.Name, why), Hint: InstallHint, Err: ErrHelperUnusable}
		}
	}
	return result(resp, err, s.Name)
}

// Verify checks the bundle file at path against s.SHA256, offline (pyget
// mirror --check). The mode does not apply: a bundle at hand is checked.
func (h *Helper) Verify(ctx context.Context, s Subject, path string) (Result, error) {
	resp, err := h.call(ctx, Request{Op: OpVerify, Subject: s, BundlePath: path})
	if errors.Is(err, ErrHelperMissing) || errors.Is(err, ErrHelperUnusable) {
		return Result{}, &Error{Kind: KindUnavailable, Message: fmt.Sprintf("%s: cannot verify its bundle: %v", s.Name, err), Hint: InstallHint, Err: err}
	}
	return result(resp, err, s.Name)
}

// Info is what pyget --version says of the helper.
type Info struct {
	// Path is the helper found; "" when none was.
	Path     string
	Version  string
	Protocol int
	// TrustedRoot: which trusted root it uses and its age (detail only).
	TrustedRoot string
	// Err: why it cannot be used (missing, would not run, another
	// protocol); nil when it can.
	Err error
}

// Describe runs the helper's handshake (OpHello); with detail, it also says
// which trusted root the helper would use, without any request.
func (h *Helper) Describe(ctx context.Context, detail bool) Info {
	resp, err := h.call(ctx, Request{Op: OpHello, Detail: detail})
	info := Info{Path: h.path, Err: err}
	if err == nil {
		info.Version, info.Protocol, info.TrustedRoot = resp.HelperVersion, resp.Protocol, resp.TrustedRoot
	}
	return info
}
