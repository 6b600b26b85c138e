package attest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"reflect"
	"strings"
	"testing"
)

var requestSeeds = []string{
	`{"op":"check","mode":"require","subject":{"name":"cpython-3.14.6","release":"20260610","sha256":"ab","mirror_url":"https://m.example/a.tar.gz"},"cache_dir":"/c","api_url":"https://api.github.com","token":"t","trusted_root":"/r.json","user_agent":"pyget","repo":"o/n","offline":true}`,
	`{"op":"fetch","mode":"auto","subject":{"name":"x","sha256":"00"},"bundle_path":"/b.json"}`,
	`{"op":"verify","mode":"off","subject":{"name":"x","sha256":"00"}}`,
	`{"op":"check","mode":"REQUIRE "}`, `{"mode":"sometimes"}`, `{"mode":2}`, `{"mode":""}`, `{}`, `[]`, `null`, `{"op":"check"} trailing`,
}

// FuzzRequest checks the request as the helper reads it (ServeHelper's
// decoder): no panic; what decodes has a known mode, and encodes (as pyget
// writes it) to a request that decodes the same.
func FuzzRequest(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req Request
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(&req); err != nil {
			return
		}
		if req.Mode < Auto || req.Mode > Off {
			t.Fatalf("decoded an unknown mode %d from %q", req.Mode, data)
		}
		out, err := json.Marshal(req)
		if err != nil {
			t.Fatalf("a decoded request does not encode: %v", err)
		}
		var again Request
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("pyget's encoding %s does not decode: %v", out, err)
		}
		req.Subject.NotPBS = false // not part of the protocol
		if !reflect.DeepEqual(again, req) {
			t.Fatalf("request round trip:\n got %+v\nwant %+v", again, req)
		}
		_ = Attested(req.Subject.Release)
	})
}

// FuzzParseMode: a mode that parses is spelled back to itself, and
// ParseMode agrees with UnmarshalText.
func FuzzParseMode(f *testing.F) {
	for _, s := range []string{"", "auto", "require", "off", " Require ", "OFF", "on", "required", "\tauto\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMode(s)
		var u Mode
		uerr := u.UnmarshalText([]byte(s))
		if (err == nil) != (uerr == nil) || (err == nil && u != m) {
			t.Fatalf("ParseMode(%q) = %v, %v; UnmarshalText = %v, %v", s, m, err, u, uerr)
		}
		if err != nil {
			if !strings.Contains(err.Error(), ModeValues) {
				t.Fatalf("ParseMode(%q) error %q does not say what is accepted", s, err)
			}
			return
		}
		text, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		if back, err := ParseMode(string(text)); err != nil || back != m {
			t.Fatalf("mode %v spelled %q parses as %v, %v", m, text, back, err)
		}
	})
}

// FuzzAttested: no panic on any tag, and a version with a tag is decided
// by its tag.
func FuzzAttested(f *testing.F) {
	for _, s := range []string{"20250212", "20250211", "3.13.2+20250212", "3.12.8+20241219", "", "+", "abc", "2025021", "99999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		got := Attested(tag)
		if i := strings.LastIndexByte(tag, '+'); i >= 0 {
			if bare := Attested(tag[i+1:]); bare != got {
				t.Fatalf("Attested(%q) = %v, Attested of its tag %q = %v", tag, got, tag[i+1:], bare)
			}
		}
	})
}

var responseSeeds = []string{
	`{"verified":true,"attestation":{"signer_identity":"https://github.com/astral-sh/python-build-standalone/.github/workflows/release.yml@refs/heads/main","source_repo":"r","source_commit":"c","source":"cache","detail":"d"},"note":"n"}`,
	`{"verified":false,"warning":"cpython-3.14.6: attestation not verified: no bundle"}`,
	`{"verified":false,"error":{"kind":"verification","message":"bad signature","hint":"h"}}`,
	`{"verified":false,"error":{"kind":"unavailable","message":"no bundle"}}`,
	`{"verified":true,"error":{"kind":"strange","message":"m"}}`,
	`{"verified":"yes"}`, `{}`, `null`, ``, `not json`, `{"verified":true}{"verified":false}`,
}

// FuzzHelperAnswer runs Helper.Check against a stand-in helper that
// answers any bytes with any exit status: no panic; a failure is an *Error
// of a known kind; under require nothing proceeds unverified; and nothing
// counts as verified unless the helper's answer is readable, carries no
// error and says so (an unusable helper is at most "no verifier").
func FuzzHelperAnswer(f *testing.F) {
	for _, s := range responseSeeds {
		for _, mode := range []Mode{Auto, Require} {
			f.Add([]byte(s), uint8(0), uint8(mode))
		}
	}
	for _, s := range responseSeeds {
		if strings.HasPrefix(s, "{\"verified\"") { // the same answers in protocol 2
			f.Add([]byte(`{"protocol":2,"helper_version":"dev",`+s[1:]), uint8(0), uint8(Auto))
		}
	}
	f.Add([]byte(`{"verified":true}`), uint8(1), uint8(Require))
	f.Add([]byte(``), uint8(2), uint8(Auto))
	f.Fuzz(func(t *testing.T, answer []byte, exit, mode uint8) {
		helper := writeHelper(t, t.TempDir(), helperScript{Stdout: answer, Exit: int(exit)})
		h := &Helper{Mode: Mode(mode % 2), Path: helper} // Auto or Require: Off runs nothing
		r, err := h.Check(context.Background(), Subject{Name: "cpython-3.14.6", Release: "20260610", SHA256: "ab"})

		var resp Response
		readable := json.Unmarshal(answer, &resp) == nil
		switch {
		case err != nil:
			var e *Error
			if !errors.As(err, &e) || (e.Kind != KindUnavailable && e.Kind != KindVerification && e.Kind != KindOther) {
				t.Fatalf("error %T %v: want an *Error of a known kind", err, err)
			}
		case h.Mode == Require && !r.Verified:
			t.Fatalf("require: the install may proceed without a verified attestation: %+v", r)
		case r.Verified && (!readable || resp.Error != nil || !resp.Verified):
			t.Fatalf("answer %q counted as verified: %+v", answer, r)
		}
	})
}
