package catalog

import "testing"

func TestOnlyRelease(t *testing.T) {
	entries := []Entry{
		{Key: "pypy-a", Name: "pypy", Build: "7.3.19"},
		{Key: "pypy-b", Name: "pypy", Build: "7.3.20"},
		{Key: "cpython-c", Name: "cpython", Build: "7.3.19"},
		{Key: "graalpy-d", Name: "graalpy", Build: "25.2.4"},
	}
	keys := func(es []Entry) (out []string) {
		for _, e := range es {
			out = append(out, e.Key)
		}
		return out
	}
	if got := keys(OnlyRelease(entries, "pypy", "7.3.19")); len(got) != 3 || got[0] != "pypy-a" || got[1] != "cpython-c" || got[2] != "graalpy-d" {
		t.Errorf("pypy 7.3.19: %v", got)
	}
	if got := OnlyRelease(entries, "graalpy", ""); len(got) != 4 {
		t.Errorf("no pin: %v", keys(got))
	}
	if got := keys(OnlyRelease(entries, "graalpy", "1.0")); len(got) != 3 {
		t.Errorf("graalpy 1.0: %v", got)
	}
}
