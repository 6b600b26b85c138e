package attest

import (
	"context"
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

// A helper that cannot be run is a failure of kind other, not "no bundle":
// the install must not proceed on a verifier that crashed.
func TestHelperThatCannotRun(t *testing.T) {
	h := &Helper{Mode: Auto, Path: filepath.Join(t.TempDir(), "no-such-helper")}
	_, err := h.Check(context.Background(), Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindOther || errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "cpython-3.14.6: checking the attestation") {
		t.Errorf("%v", err)
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

// Under require, an answer that is not a verification (a helper that is not
// ours, or an older one, found on PATH) does not let the build through.
func TestRequireNeedsVerifiedAnswer(t *testing.T) {
	helper := filepath.Join(t.TempDir(), "pyget-attest")
	if err := os.WriteFile(helper, []byte("#!/bin/sh\ncat >/dev/null\necho '{}'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"}
	if _, err := (&Helper{Mode: Require, Path: helper}).Check(context.Background(), s); err == nil || !strings.Contains(err.Error(), "without a verified attestation") {
		t.Errorf("require: %v", err)
	}
	if _, err := (&Helper{Mode: Auto, Path: helper}).Check(context.Background(), s); err != nil {
		t.Errorf("auto: %v", err)
	}
}
