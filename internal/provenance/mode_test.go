package provenance

import "testing"

func TestNewChecksConfig(t *testing.T) {
	for _, c := range []Config{{APIURL: "ftp://x"}, {APIURL: "not a url"}, {Repo: "noslash"}, {Repo: "a/b/c"}, {Repo: "/x"}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v): no error", c)
		}
	}
	v, err := New(Config{})
	if err != nil || v.api.String() != DefaultAPIURL || v.cfg.Repo != DefaultRepo {
		t.Fatalf("defaults: %v %+v", err, v)
	}
	if _, err := v.Verify(t.Context(), "abc", ""); err == nil {
		t.Error("a short digest accepted")
	}
}
