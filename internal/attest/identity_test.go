package attest

import "testing"

func TestParseIdentity(t *testing.T) {
	for in, want := range map[string]Identity{
		"": DefaultIdentity(),
		"a-fork/python-build-standalone/.github/workflows/release.yml":                      {Repo: "a-fork/python-build-standalone", Workflow: ".github/workflows/release.yml"},
		"https://github.com/me/pbs/.github/workflows/build.yaml@refs/tags/v1":               {Repo: "me/pbs", Workflow: ".github/workflows/build.yaml", Ref: "refs/tags/v1"},
		" astral-sh/python-build-standalone/.github/workflows/release.yml@refs/heads/main ": {Repo: DefaultRepo, Workflow: DefaultWorkflow, Ref: "refs/heads/main"},
	} {
		got, err := ParseIdentity(in)
		if err != nil || got != want {
			t.Errorf("ParseIdentity(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if in != "" {
			if again, err := ParseIdentity(got.String()); err != nil || again != got {
				t.Errorf("%+v does not round-trip: %+v %v", got, again, err)
			}
		}
	}
	for _, bad := range []string{
		"noslash", "a/b", "a/b/release.yml", "/b/.github/workflows/r.yml", "a//.github/workflows/r.yml",
		"a/b/.github/workflows/", "a/b/.github/workflows/sub/r.yml", "a/b/.github/workflows/r.txt",
		"a/b/.github/workflows/r.yml@main", "a/b/.github/workflows/r.yml@refs/heads/x@y",
	} {
		if _, err := ParseIdentity(bad); err == nil {
			t.Errorf("ParseIdentity(%q): no error", bad)
		}
	}
}
