package provenance

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/attest"
)

// serve runs the helper in-process on req, as pyget-attest would.
func serve(t *testing.T, req attest.Request) attest.Response {
	t.Helper()
	in, err := json.Marshal(req)
	must(t, err)
	var out, errb bytes.Buffer
	if code := ServeHelper(bytes.NewReader(in), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var resp attest.Response
	must(t, json.Unmarshal(out.Bytes(), &resp))
	return resp
}

func (e *env) request(op string, mode attest.Mode) attest.Request {
	s := e.subject()
	return attest.Request{Protocol: attest.ProtocolVersion, Op: op, Mode: mode,
		Subject:  attest.Subject{Name: s.Name, Release: s.Release, SHA256: s.SHA256},
		Settings: attest.Settings{CacheDir: e.cache, APIURL: e.api.URL, TrustedRootPath: e.root}}
}

// check: verified, unavailable (auto: a warning; require: an error of kind
// unavailable with the token hint) and a verification failure, each told
// apart in the response.
func TestHelperCheck(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(429, `{"message":"rate limited"}`, "Retry-After", "60"))
	if r := serve(t, e.request(attest.OpCheck, attest.Auto)); r.Error != nil || !strings.Contains(r.Warning, "rate-limited") {
		t.Errorf("auto, 429: %+v", r)
	}
	r := serve(t, e.request(attest.OpCheck, attest.Require))
	if r.Error == nil || r.Error.Kind != attest.KindUnavailable || !strings.Contains(r.Error.Hint, "GITHUB_TOKEN") {
		t.Errorf("require, 429: %+v", r.Error)
	}

	// The rate limit is remembered (auto would not ask until its reset):
	// forget it, as its reset would.
	must(t, os.Remove(filepath.Join(e.cache, "attestations", "api-unavailable.json")))
	bad := e.f.Bundle(att{Statement: statement(SLSAProvenanceV1, digestOf("another archive"))})
	e.api.set(answer(200, listing(bad)))
	r = serve(t, e.request(attest.OpCheck, attest.Auto))
	if r.Error == nil || r.Error.Kind != attest.KindVerification || !strings.Contains(r.Error.Message, "subject digest") {
		t.Errorf("auto, another digest: %+v", r.Error)
	}

	e.api.set(answer(200, listing(e.good)))
	r = serve(t, e.request(attest.OpCheck, attest.Require))
	if r.Error != nil || !r.Verified || r.Attestation == nil || r.Attestation.SignerIdentity != goodSAN {
		t.Errorf("require, good bundle: %+v %+v", r, r.Error)
	}
}

// fetch writes the verified bundle where asked; verify checks a file at
// hand, offline, and names a tampered one.
func TestHelperFetchAndVerify(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(200, listing(e.good)))
	path := filepath.Join(t.TempDir(), "a", "cpython.tar.gz.sigstore.json")
	req := e.request(attest.OpFetch, attest.Require)
	req.BundlePath = path
	if r := serve(t, req); r.Error != nil || !r.Verified {
		t.Fatalf("fetch: %+v %+v", r, r.Error)
	}
	req.Op = attest.OpVerify
	req.Settings.APIURL = "http://127.0.0.1:1" // offline: nothing to ask
	if r := serve(t, req); r.Error != nil || !r.Verified {
		t.Fatalf("verify: %+v %+v", r, r.Error)
	}
	must(t, os.WriteFile(path, e.f.Bundle(att{Statement: statement(SLSAProvenanceV1, digestOf("other"))}), 0o644))
	r := serve(t, req)
	if r.Error == nil || r.Error.Kind != attest.KindVerification || !strings.Contains(r.Error.Message, path) {
		t.Errorf("verify of another archive's bundle: %+v", r.Error)
	}
}

// A request that is not JSON: exit 2 and a line on stderr, no response.
func TestHelperBadRequest(t *testing.T) {
	var out, errb bytes.Buffer
	if code := ServeHelper(strings.NewReader("install 3.13"), &out, &errb); code != 2 || out.Len() != 0 || !strings.Contains(errb.String(), "reading the request") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	if r := Serve(t.Context(), attest.Request{Protocol: attest.ProtocolVersion, Op: "sign"}); r.Error == nil || r.Error.Kind != attest.KindOther {
		t.Errorf("unknown op: %+v", r)
	}
}

// Every answer carries the protocol and the helper's build; a request in
// another protocol (an older pyget's, with none) is refused unread.
func TestHelperHandshake(t *testing.T) {
	e := newEnv(t)
	e.api.set(answer(200, listing(e.good)))
	old := e.request(attest.OpCheck, attest.Require)
	old.Protocol = 0
	r := serve(t, old)
	if r.Protocol != attest.ProtocolVersion || r.HelperVersion == "" || r.Verified || r.Error == nil || r.Error.Kind != attest.KindProtocol {
		t.Errorf("old request: %+v %+v", r, r.Error)
	}
	if n := len(e.api.requests()); n != 0 {
		t.Errorf("an old-protocol request was carried out (%d API requests)", n)
	}
	hello := e.request(attest.OpHello, attest.Auto)
	hello.Detail = true
	r = serve(t, hello)
	if r.Error != nil || r.Protocol != attest.ProtocolVersion || r.HelperVersion != attest.BuildVersion() || !strings.Contains(r.TrustedRoot, e.root) {
		t.Errorf("hello: %+v %+v", r, r.Error)
	}
}
