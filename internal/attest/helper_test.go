package attest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// off starts nothing: a helper that cannot run is never tried.
func TestOffStartsNoHelper(t *testing.T) {
	h := &Helper{Mode: Off, Path: filepath.Join(t.TempDir(), "no-such-helper")}
	r, err := h.Check(context.Background(), Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"})
	if err != nil || !strings.Contains(r.Note, "attestations off") || r.Warning != "" {
		t.Errorf("off: %+v, %v", r, err)
	}
	if r, err := h.Fetch(context.Background(), Subject{Name: "x"}, "p"); err != nil || r != (Result{}) {
		t.Errorf("off fetch: %+v, %v", r, err)
	}
}

// A release older than the first attested one is not looked up.
func TestOldReleaseNotLookedUp(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no-such-helper")
	s := Subject{Name: "cpython-3.12.8", Release: "20241219", SHA256: "ab"}
	if r, err := (&Helper{Mode: Auto, Path: bad}).Check(context.Background(), s); err != nil || !strings.Contains(r.Note, "predates") {
		t.Errorf("auto: %+v, %v", r, err)
	}
	if _, err := (&Helper{Mode: Require, Path: bad}).Check(context.Background(), s); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "predates") {
		t.Errorf("require: %v", err)
	}
}

// A helper that cannot be run is "no verifier": auto warns once and the
// install proceeds; require refuses with the install hint.
func TestHelperThatCannotRun(t *testing.T) {
	s := Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"}
	notExecutable := filepath.Join(t.TempDir(), "pyget-attest")
	if err := os.WriteFile(notExecutable, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "no-such-helper"), notExecutable} {
		r, err := (&Helper{Mode: Auto, Path: path}).Check(context.Background(), s)
		if err != nil || !strings.Contains(r.Warning, "cpython-3.14.6: attestation not verified: no verifier: ") || strings.Contains(r.Warning, "\n") {
			t.Errorf("auto, %s: %+v, %v", path, r, err)
		}
		_, err = (&Helper{Mode: Require, Path: path}).Check(context.Background(), s)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrHelperUnusable) || e.Hint != InstallHint || !strings.Contains(err.Error(), "attestations are required") {
			t.Errorf("require, %s: %v", path, err)
		}
	}
}

// A helper that started and crashed (a panic, perhaps on the bundle it was
// checking) is a failure in every mode, never "no verifier".
func TestHelperCrashIsAFailure(t *testing.T) {
	helper := writeHelper(t, t.TempDir(), helperScript{Stderr: "panic: runtime error: index out of range\n", Exit: 2})
	s := Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"}
	for _, mode := range []Mode{Auto, Require} {
		_, err := (&Helper{Mode: mode, Path: helper}).Check(context.Background(), s)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindOther || errors.Is(err, ErrHelperUnusable) || !strings.Contains(err.Error(), "crashed") {
			t.Errorf("%s: %v", mode, err)
		}
	}
}

// The helper's answer becomes typed errors by kind; an unknown kind is
// other.
func TestResultKinds(t *testing.T) {
	for kind, want := range map[string]error{KindUnavailable: ErrUnavailable, KindVerification: ErrVerification} {
		_, err := result(Response{Error: &ErrorInfo{Kind: kind, Message: "m", Hint: "h"}}, nil, "b")
		var e *Error
		if !errors.Is(err, want) || !errors.As(err, &e) || e.Hint != "h" || err.Error() != "m" {
			t.Errorf("%s: %v", kind, err)
		}
	}
	_, err := result(Response{Error: &ErrorInfo{Kind: "strange", Message: "m"}}, nil, "b")
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindOther {
		t.Errorf("unknown kind: %v", err)
	}
	r, err := result(Response{Verified: true, Note: "n", Attestation: &Summary{Detail: "d"}}, nil, "b")
	if err != nil || !r.Verified || r.Note != "n" || r.Attestation.Detail != "d" {
		t.Errorf("verified: %+v, %v", r, err)
	}
}

// A build python-build-standalone did not make has nothing to look up:
// auto notes it, require refuses it; no helper is started either way.
func TestNotPBS(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no-such-helper")
	s := Subject{Name: "pypy-3.11.13", Release: "20260610", SHA256: "ab", NotPBS: true}
	if r, err := (&Helper{Mode: Auto, Path: bad}).Check(context.Background(), s); err != nil || !strings.Contains(r.Note, "not a python-build-standalone build") {
		t.Errorf("auto: %+v, %v", r, err)
	}
	if _, err := (&Helper{Mode: Require, Path: bad}).Check(context.Background(), s); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "not a python-build-standalone build") {
		t.Errorf("require: %v", err)
	}
}

// fakeHelper writes a pyget-attest that answers body whatever it is asked,
// and saves its stdin and environment beside itself.
func fakeHelper(t *testing.T, body string) string {
	t.Helper()
	return writeHelper(t, t.TempDir(), helperScript{Stdout: []byte(body + "\n")})
}

// A helper found by name that answers {"verified":true} without the
// protocol fields (not ours, or older), or in an old protocol, is refused
// under require and is no verifier under auto: never a pass.
func TestHandshakeRefusesForeignHelpers(t *testing.T) {
	s := Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"}
	for name, body := range map[string]string{
		"no protocol":  `{"verified":true,"note":"trust me"}`,
		"old protocol": `{"protocol":1,"helper_version":"v0.1.0","verified":true}`,
		"newer":        `{"protocol":3,"helper_version":"v9.0.0","verified":true}`,
		"says so":      `{"protocol":2,"helper_version":"dev","error":{"kind":"protocol","message":"speaks protocol 3"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			helper := fakeHelper(t, body)
			_, err := (&Helper{Mode: Require, Path: helper, PygetVersion: "dev"}).Check(context.Background(), s)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrHelperUnusable) || e.Hint == "" || !strings.Contains(err.Error(), helper) {
				t.Fatalf("require: %v", err)
			}
			t.Logf("require: %v", err)
			r, err := (&Helper{Mode: Auto, Path: helper, PygetVersion: "dev"}).Check(context.Background(), s)
			if err != nil || r.Verified || !strings.Contains(r.Warning, "no verifier") {
				t.Fatalf("auto: %+v %v", r, err)
			}
			if _, err := (&Helper{Mode: Require, Path: helper}).Fetch(context.Background(), s, "p"); !errors.Is(err, ErrHelperUnusable) {
				t.Errorf("fetch under require: %v", err)
			}
		})
	}
}

// The request carries the protocol and pyget's build; under require a
// helper of another build is refused (a stale one on PATH), under auto its
// answer is taken.
func TestHandshakeVersions(t *testing.T) {
	s := Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"}
	helper := fakeHelper(t, `{"protocol":2,"helper_version":"v1.2.0","verified":true,"note":"ok"}`)
	if r, err := (&Helper{Mode: Require, Path: helper, PygetVersion: "v1.2.0"}).Check(context.Background(), s); err != nil || !r.Verified {
		t.Fatalf("same build: %+v %v", r, err)
	}
	in, err := os.ReadFile(helper + ".stdin")
	if err != nil {
		t.Fatal(err)
	}
	var req Request
	if err := json.Unmarshal(in, &req); err != nil || req.Protocol != ProtocolVersion || req.PygetVersion != "v1.2.0" {
		t.Errorf("request %s: %v", in, err)
	}
	_, err = (&Helper{Mode: Require, Path: helper, PygetVersion: "v1.3.0"}).Check(context.Background(), s)
	if !errors.Is(err, ErrHelperUnusable) || !strings.Contains(err.Error(), "v1.2.0") || !strings.Contains(err.Error(), "v1.3.0") {
		t.Errorf("another build under require: %v", err)
	}
	if r, err := (&Helper{Mode: Auto, Path: helper, PygetVersion: "v1.3.0"}).Check(context.Background(), s); err != nil || !r.Verified {
		t.Errorf("another build under auto: %+v %v", r, err)
	}
	info := (&Helper{Mode: Auto, Path: helper}).Describe(context.Background(), false)
	if info.Err != nil || info.Version != "v1.2.0" || info.Protocol != 2 || info.Path != helper {
		t.Errorf("describe: %+v", info)
	}
}

// The helper's environment holds no token: it travels on stdin only.
func TestHelperEnvironmentHoldsNoToken(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_secret1")
	t.Setenv("GH_TOKEN", "ghp_secret2")
	t.Setenv("GH_ENTERPRISE_TOKEN", "ghp_secret3")
	t.Setenv("PYGET_TEST_KEEP", "kept")
	helper := fakeHelper(t, `{"protocol":2,"helper_version":"dev","verified":true}`)
	h := &Helper{Mode: Auto, Path: helper, PygetVersion: "dev", Settings: Settings{Token: "ghp_secret1"}}
	if _, err := h.Check(context.Background(), Subject{Name: "b", Release: "20260610", SHA256: "ab"}); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(helper + ".env")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(env), "ghp_secret") || strings.Contains(string(env), "TOKEN=") || !strings.Contains(string(env), "PYGET_TEST_KEEP=kept") {
		t.Errorf("helper environment:\n%s", env)
	}
	if in, _ := os.ReadFile(helper + ".stdin"); !strings.Contains(string(in), "ghp_secret1") {
		t.Errorf("the token did not travel on stdin: %s", in)
	}
}

// Under require, an answer that is not a verification (a helper that is not
// ours, or an older one, found on PATH) does not let the build through.
func TestRequireNeedsVerifiedAnswer(t *testing.T) {
	helper := writeHelper(t, t.TempDir(), helperScript{Stdout: []byte(`{"protocol":2,"helper_version":"dev"}` + "\n")})
	s := Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"}
	if _, err := (&Helper{Mode: Require, Path: helper, PygetVersion: "dev"}).Check(context.Background(), s); err == nil || !strings.Contains(err.Error(), "without a verified attestation") {
		t.Errorf("require: %v", err)
	}
	if _, err := (&Helper{Mode: Auto, Path: helper}).Check(context.Background(), s); err != nil {
		t.Errorf("auto: %v", err)
	}
}
