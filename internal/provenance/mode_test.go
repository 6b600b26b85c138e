package provenance

import "testing"

func TestNewChecksConfig(t *testing.T) {
	for _, c := range []Config{{APIURL: "ftp://x"}, {APIURL: "not a url"}, {Identity: "noslash"}, {Identity: "a/b/c"}, {Identity: "/x/.github/workflows/r.yml"}, {Identity: "a/b/.github/workflows/r.yml@main"}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v): no error", c)
		}
	}
	v, err := New(Config{})
	if err != nil || v.api.String() != DefaultAPIURL || v.pol.repo != DefaultRepo || v.pol.workflow != "https://github.com/astral-sh/python-build-standalone/.github/workflows/release.yml" {
		t.Fatalf("defaults: %v %+v", err, v)
	}
	if _, err := v.Verify(t.Context(), "abc", ""); err == nil {
		t.Error("a short digest accepted")
	}
}
