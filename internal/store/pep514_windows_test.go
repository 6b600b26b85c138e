package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// registryLayout is a test layout registering under a company key of its
// own, removed when the test ends.
func registryLayout(t *testing.T) Layout {
	t.Helper()
	l := testLayout(t)
	l.registryCompany = fmt.Sprintf("pyget-test-%d", rand.Uint64())
	t.Cleanup(func() { deleteTree(registry.CURRENT_USER, `Software\Python\`+l.registryCompany) })
	return l
}

func deleteTree(root registry.Key, path string) {
	k, err := registry.OpenKey(root, path, registry.ENUMERATE_SUB_KEYS)
	if err == nil {
		names, _ := k.ReadSubKeyNames(-1)
		k.Close()
		for _, n := range names {
			deleteTree(root, path+`\`+n)
		}
	}
	registry.DeleteKey(root, path)
}

// regValues reads the values of HKCU\path with the registry API; nil when
// the key does not exist.
func regValues(t *testing.T, path string) map[string]string {
	t.Helper()
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	names, err := k.ReadValueNames(-1)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		v, _, err := k.GetStringValue(n)
		if err != nil {
			t.Fatalf("%s\\%s: %v", path, n, err)
		}
		out[n] = v
	}
	return out
}

// regQuery is `reg query HKCU\path /s`, the command-line tool's view.
func regQuery(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("reg", "query", `HKCU\`+path, "/s").CombinedOutput()
	if err != nil {
		t.Fatalf("reg query %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// Installing registers each build under HKCU\Software\Python\<company>\
// <tag> with PEP 514's values, read back both with the registry API and
// with reg.exe; uninstalling removes its tag (the company key with the
// last); the opt-out registers nothing; a build of the same version
// installed into another install dir takes the tag over, and removing the
// first then leaves it alone.
func TestRegistryEntries(t *testing.T) {
	l := registryLayout(t)
	company := `Software\Python\` + l.registryCompany
	older, rep := installAndLink(t, l, cpy(5, ""), LinkOptions{Default: true})
	if rep.RegistryErr != nil {
		t.Fatal(rep.RegistryErr)
	}
	tag := company + `\CPython3.14.5`
	if rep.Registered != `HKEY_CURRENT_USER\`+tag {
		t.Errorf("Registered = %q, want %s", rep.Registered, tag)
	}
	want := map[string]string{
		"DisplayName": "CPython 3.14.5 (64-bit)", "Version": "3.14.5", "SysVersion": "3.14", "SysArchitecture": "64bit",
	}
	if got := regValues(t, tag); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", tag, got, want)
	}
	wantPath := map[string]string{
		"": older.Dir, "ExecutablePath": older.Dir + `\python.exe`, "WindowedExecutablePath": older.Dir + `\pythonw.exe`,
	}
	if got := regValues(t, tag+`\InstallPath`); fmt.Sprint(got) != fmt.Sprint(wantPath) {
		t.Errorf("%s\\InstallPath = %v, want %v", tag, got, wantPath)
	}
	if got := regValues(t, company); got["DisplayName"] != l.registryCompany {
		t.Errorf("company key: %v", got)
	}
	q := regQuery(t, tag)
	for _, s := range []string{"SysVersion", "3.14", "ExecutablePath", older.Dir + `\python.exe`, "WindowedExecutablePath", "CPython 3.14.5 (64-bit)"} {
		if !strings.Contains(q, s) {
			t.Errorf("reg query lacks %q:\n%s", s, q)
		}
	}

	// The upgrade's build gets its own tag; removing the old one removes
	// only the old tag.
	newer, _ := installAndLink(t, l, cpy(6, ""), LinkOptions{Default: true})
	if err := removeOne(l, older.Entry.Key); err != nil {
		t.Fatal(err)
	}
	if got := regValues(t, tag); got != nil {
		t.Errorf("uninstalled 3.14.5 still registered: %v", got)
	}
	tag6 := company + `\CPython3.14.6`
	if got := regValues(t, tag6+`\InstallPath`); got[""] != newer.Dir {
		t.Errorf("3.14.6 InstallPath = %v, want %s", got, newer.Dir)
	}

	// Another install dir's 3.14.6 takes the tag; removing this one's
	// leaves it.
	other := testLayout(t)
	other.registryCompany = l.registryCompany
	moved, _ := installAndLink(t, other, cpy(6, ""), LinkOptions{})
	if got := regValues(t, tag6+`\InstallPath`); got[""] != moved.Dir {
		t.Errorf("3.14.6 InstallPath = %v after installing it in %s", got, other.InstallDir)
	}
	if err := removeOne(l, newer.Entry.Key); err != nil {
		t.Fatal(err)
	}
	if got := regValues(t, tag6+`\InstallPath`); got[""] != moved.Dir {
		t.Errorf("removing %s's 3.14.6 changed the tag of %s's: %v", l.InstallDir, other.InstallDir, got)
	}
	if err := removeOne(other, moved.Entry.Key); err != nil {
		t.Fatal(err)
	}
	if got := regValues(t, company); got != nil {
		t.Errorf("company key left after the last build went: %v", got)
	}

	// Opted out: nothing registered.
	l.NoRegistry = true
	_, rep = installAndLink(t, l, cpy(7, ""), LinkOptions{})
	if rep.Registered != "" || regValues(t, company+`\CPython3.14.7`) != nil {
		t.Errorf("NoRegistry registered %q", rep.Registered)
	}
}
