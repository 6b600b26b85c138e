package main

import (
	"io"
	"testing"

	"github.com/pyget/pyget/internal/config"
	"github.com/pyget/pyget/internal/pipeline"
)

// TestAttestMirrorIsFirstSource: the attestation lookup looks beside the
// archive on the first mirror transfers try, by fetch's one ordering: the
// first --mirror without its userinfo, else the first default mirror.
func TestAttestMirrorIsFirstSource(t *testing.T) {
	for _, tt := range []struct {
		name    string
		mirrors []string
		want    string
	}{
		{"userinfo stripped", []string{"http://ci:s3cret@127.0.0.1:9/pbs", "http://127.0.0.1:8/other"}, "http://127.0.0.1:9/pbs"},
		{"the default mirrors", nil, "https://releases.astral.sh/github/python-build-standalone/releases/download"},
	} {
		a := &app{stdout: io.Discard, stderr: io.Discard, cacheDir: t.TempDir(), mirrors: tt.mirrors}
		a.env, a.envErr = config.Load(func(string) string { return "" })
		f, err := a.getFetcher()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		in := &pipeline.Installer{}
		if err := a.withAttestations(in, f); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if in.AttestMirror != tt.want {
			t.Errorf("%s: AttestMirror = %q, want %q", tt.name, in.AttestMirror, tt.want)
		}
	}
}

// TestOneFetcherPerRun: the catalog's transfers (its full and quick
// budgets) go through the run's one Fetcher, the one installs use.
func TestOneFetcherPerRun(t *testing.T) {
	a := &app{stdout: io.Discard, stderr: io.Discard, cacheDir: t.TempDir()}
	a.env, a.envErr = config.Load(func(string) string { return "" })
	l, err := a.newCatalogLoader()
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.getFetcher()
	if err != nil {
		t.Fatal(err)
	}
	full, okFull := l.Get.(catalogGet)
	quick, okQuick := l.Quick.(catalogGet)
	if !okFull || !okQuick || full.f != f || quick.f != f {
		t.Fatalf("the catalog's getters are %T, %T: want catalogGet on the run's Fetcher", l.Get, l.Quick)
	}
	if quick.opt.MaxRetries != 1 || quick.opt.IdleTimeout != quickIdle || full.opt.MaxRetries != 0 {
		t.Errorf("budgets: quick %+v, full %+v; want quick two attempts and %v of silence, full the usual", quick.opt, full.opt, quickIdle)
	}
}
