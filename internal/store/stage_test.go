package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/testutil"
)

func TestStageCommit(t *testing.T) {
	l := testLayout(t)
	e := cpy(6, "")
	if ks := keys(t, l); len(ks) != 0 {
		t.Fatalf("fresh layout lists %v", ks)
	}
	inst := installOne(t, l, e, nil)
	if want := filepath.Join(l.InstallDir, e.Key); inst.Dir != want {
		t.Errorf("Dir = %s, want %s", inst.Dir, want)
	}
	if want := filepath.Join(l.InstallDir, e.Key, exeRel(e)); inst.Executable != want {
		t.Errorf("Executable = %s, want %s", inst.Executable, want)
	}
	if inst.Entry != e || inst.SHA256 != "ab" || inst.SourceURL != e.URL {
		t.Errorf("record not kept: %+v", inst.Record)
	}
	out, err := exec.Command(inst.Executable).Output()
	if err != nil || !strings.Contains(string(out), "fake") {
		t.Errorf("running %s: %q, %v", inst.Executable, out, err)
	}
	// The build's root must be usable by other users, not private like a
	// temp dir.
	// (Windows has no permission bits.)
	if fi, err := os.Stat(inst.Dir); runtime.GOOS != "windows" && (err != nil || fi.Mode().Perm() != 0o755) {
		t.Errorf("build dir mode = %v, %v; want 0755", fi.Mode().Perm(), err)
	}
	if got := keys(t, l); !slices.Equal(got, []string{e.Key}) {
		t.Errorf("Installed = %v", got)
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("leftovers after commit: %v", h)
	}
	found, ok, err := l.Find(e.Key)
	if err != nil || !ok || found.Dir != inst.Dir || !found.InstalledAt.Equal(inst.InstalledAt) {
		t.Errorf("Find = %+v, %v, %v", found, ok, err)
	}
	if _, ok, err := l.Find(cpy(7, "").Key); ok || err != nil {
		t.Errorf("Find of a missing key = %v, %v", ok, err)
	}
}

func TestStageAbort(t *testing.T) {
	l := testLayout(t)
	st, err := l.Stage(cpy(6, "").Key)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(st.Dir), ".tmp-"+cpy(6, "").Key+"-") {
		t.Errorf("staging dir %s", st.Dir)
	}
	fakeTree(t, st.Dir, cpy(6, ""))
	if err := st.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("staging dir survives Abort: %v", err)
	}
	if err := st.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
}

func TestBadKeys(t *testing.T) {
	l := testLayout(t)
	for _, key := range []string{"", ".", "..", ".hidden", "a/b", `a\b`, "links"} {
		if _, err := l.Stage(key); !errors.Is(err, ErrBadKey) {
			t.Errorf("Stage(%q) = %v, want ErrBadKey", key, err)
		}
		if _, err := l.Lock(context.Background(), key, time.Second, nil); !errors.Is(err, ErrBadKey) {
			t.Errorf("Lock(%q) = %v, want ErrBadKey", key, err)
		}
	}
}

func TestInstalledIgnoresWhatIsNotAnInstall(t *testing.T) {
	l := testLayout(t)
	good := installOne(t, l, cpy(6, ""), nil)
	rec := func(key string) string {
		return `{"entry":{"key":"` + key + `","name":"cpython","major":3,"minor":14,"patch":5,"os":"` + testutil.HostOS() + `","arch":{"family":"x86_64"},"libc":"` + testutil.HostLibc() + `"}}`
	}
	junk := []struct {
		name  string
		build func(dir string)
	}{
		{"temp folder", func(string) {
			copyTree(t, good.Dir, filepath.Join(l.InstallDir, ".tmp-cpython-3.14.5-linux-x86_64-gnu-123"))
		}},
		{"foreign folder", func(dir string) { fakeTree(t, dir, cpy(5, "")) }},
		{"record for another key", func(dir string) {
			fakeTree(t, dir, cpy(5, ""))
			writeFile(t, filepath.Join(dir, recordName), rec("cpython-3.14.4-linux-x86_64-gnu"), 0o644)
		}},
		{"no interpreter", func(dir string) {
			writeFile(t, filepath.Join(dir, recordName), rec(filepath.Base(dir)), 0o644)
		}},
		{"corrupt record", func(dir string) {
			fakeTree(t, dir, cpy(5, ""))
			writeFile(t, filepath.Join(dir, recordName), "{", 0o644)
		}},
		{"regular file", func(dir string) { writeFile(t, dir, rec(filepath.Base(dir)), 0o644) }},
		{"symlink to an install", func(dir string) {
			if !testutil.SymlinksWork() {
				return // nothing there, which is also not an install
			}
			if err := os.Symlink(good.Entry.Key, dir); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, j := range junk {
		t.Run(j.name, func(t *testing.T) {
			dir := filepath.Join(l.InstallDir, cpy(5, "").Key)
			os.RemoveAll(dir)
			j.build(dir)
			if got := keys(t, l); !slices.Equal(got, []string{good.Entry.Key}) {
				t.Errorf("Installed = %v, want only %s", got, good.Entry.Key)
			}
			if _, ok, err := l.Find(cpy(5, "").Key); ok || err != nil {
				t.Errorf("Find = %v, %v", ok, err)
			}
		})
	}
	// Control: a proper record makes the same folder count.
	dir := filepath.Join(l.InstallDir, cpy(5, "").Key)
	os.RemoveAll(dir)
	fakeTree(t, dir, cpy(5, ""))
	writeFile(t, filepath.Join(dir, recordName), rec(filepath.Base(dir)), 0o644)
	if got := keys(t, l); len(got) != 2 {
		t.Errorf("control install not listed: %v", got)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

func TestCommitRefusesAndKeepsPrevious(t *testing.T) {
	e := cpy(6, "")
	tests := []struct {
		name  string
		tree  func(t *testing.T, dir string)
		rec   Record
		setup func(st *Staging)
	}{
		{"no interpreter", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "README"), "x", 0o644) }, Record{Entry: e}, nil},
		{"record for another key", func(t *testing.T, dir string) { fakeTree(t, dir, e) }, Record{Entry: cpy(7, "")}, nil},
		{"exchange fails", func(t *testing.T, dir string) { fakeTree(t, dir, e) }, Record{Entry: e}, func(st *Staging) {
			st.exchange = func(a, b string) error {
				return &os.LinkError{Op: "renameat2", Old: a, New: b, Err: errors.New("cross-device link")}
			}
		}},
		{"second rename of the fallback fails", func(t *testing.T, dir string) { fakeTree(t, dir, e) }, Record{Entry: e}, func(st *Staging) {
			st.exchange = func(a, b string) error { return errExchangeUnsupported }
			st.rename = func(a, b string) error {
				return &os.LinkError{Op: "rename", Old: a, New: b, Err: errors.New("injected")}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLayout(t)
			prev := installOne(t, l, e, nil)
			st, err := l.Stage(e.Key)
			if err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				tt.setup(st)
			}
			tt.tree(t, st.Dir)
			if _, err := st.Commit(tt.rec); err == nil {
				t.Fatal("Commit succeeded")
			} else if !strings.Contains(err.Error(), e.Key) {
				t.Errorf("error does not name the build: %v", err)
			}
			got, ok, err := l.Find(e.Key)
			if err != nil || !ok || !got.InstalledAt.Equal(prev.InstalledAt) {
				t.Fatalf("previous install damaged: %+v %v %v", got, ok, err)
			}
			if err := st.Abort(); err != nil {
				t.Fatal(err)
			}
			if h := hidden(t, l.InstallDir); len(h) != 0 {
				t.Errorf("leftovers: %v", h)
			}
		})
	}
}

func TestBadInstallDir(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "python")
	writeFile(t, file, "not a dir", 0o644)
	l := Layout{InstallDir: file, BinDir: filepath.Join(root, "bin")}
	key := cpy(6, "").Key
	if _, err := l.Stage(key); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Stage: %v, want an error naming %s", err, file)
	}
	if _, err := l.Lock(context.Background(), key, time.Second, nil); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Lock: %v, want an error naming %s", err, file)
	}
	if _, err := l.Installed(); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Installed: %v, want an error naming %s", err, file)
	}
	if _, err := os.Stat(l.BinDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bin dir created: %v", err)
	}

	// A name too long for the filesystem fails cleanly too.
	l = testLayout(t)
	long := "cpython-" + strings.Repeat("9", 300)
	if _, err := l.Stage(long); err == nil {
		t.Error("Stage of an overlong key succeeded")
	}
}

// TestReinstallWhileRunning swaps a tree under a running script: the script
// keeps its open files, and the path it runs from never breaks.
func TestReinstallWhileRunning(t *testing.T) {
	if runtime.GOOS == "windows" {
		// The running script is a shell script reading through a file
		// opened before the swap; Windows neither runs it nor renames a
		// folder whose files are open without FILE_SHARE_DELETE.
		t.Skip("a shell script reading files across the swap: POSIX only")
	}
	l := testLayout(t)
	e := cpy(6, "")
	script := func(version string) func(string) {
		return func(dir string) {
			writeFile(t, filepath.Join(dir, "lib", "data.txt"), version+"\n", 0o644)
			// fd 3 is opened before the swap; the path is read after it.
			// sh reads its script lazily, so the tail comes from the
			// old, unlinked file.
			writeFile(t, filepath.Join(dir, "bin", "run.sh"), `#!/bin/sh
here=$(dirname "$0")
exec 3<"$here/../lib/data.txt"
echo started
while [ ! -e "$here/../../go2" ]; do sleep 0.01; done
read fd <&3
read path <"$here/../lib/data.txt"
echo "$fd $path"
`, 0o755)
		}
	}
	installOne(t, l, e, script("v1"))
	cmd := exec.Command(filepath.Join(l.InstallDir, e.Key, "bin", "run.sh"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if n, _ := stdout.Read(buf); !strings.HasPrefix(string(buf[:n]), "started") {
		t.Fatalf("script did not start: %q", buf[:n])
	}
	installOne(t, l, e, script("v2"))
	writeFile(t, filepath.Join(l.InstallDir, "go2"), "", 0o644)
	rest := make([]byte, 64)
	n, _ := stdout.Read(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("script broke: %v (%q)", err, rest[:n])
	}
	if got := strings.TrimSpace(string(rest[:n])); got != "v1 v2" {
		t.Errorf("script printed %q, want \"v1 v2\"", got)
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("old tree left behind: %v", h)
	}
}

// TestFinalNameNeverMissing polls the final name (and its record) during
// many reinstalls: with an atomic exchange there is no gap to catch.
func TestFinalNameNeverMissing(t *testing.T) {
	if runtime.GOOS == "windows" {
		// Windows cannot exchange two folders in one step: a reinstall
		// renames the old tree aside, then the new one into place
		// (.prev-, restored by the next Lock after a kill).
		t.Skip("no atomic exchange of folders on Windows")
	}
	l := testLayout(t)
	e := cpy(6, "")
	installOne(t, l, e, nil)
	record := filepath.Join(l.InstallDir, e.Key, recordName)
	var stop atomic.Bool
	var misses, polls atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				polls.Add(1)
				if _, err := os.Stat(record); err != nil {
					misses.Add(1)
				}
			}
		}()
	}
	for range 40 {
		installOne(t, l, e, nil)
	}
	stop.Store(true)
	wg.Wait()
	if polls.Load() == 0 {
		t.Fatal("poller never ran")
	}
	if m := misses.Load(); m != 0 {
		t.Errorf("final install missing in %d of %d polls", m, polls.Load())
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("leftovers: %v", h)
	}
}

func TestReinstallWithoutExchange(t *testing.T) {
	l := testLayout(t)
	e := cpy(6, "")
	first := installOne(t, l, e, nil)
	release, err := l.Lock(context.Background(), e.Key, 10*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := l.Stage(e.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	st.exchange = func(a, b string) error { return errExchangeUnsupported }
	var renames atomic.Int32
	st.rename = func(from, to string) error { renames.Add(1); return os.Rename(from, to) }
	fakeTree(t, st.Dir, e)
	second, err := st.Commit(Record{Entry: e, InstalledAt: time.Now().UTC()})
	release()
	if err != nil {
		t.Fatal(err)
	}
	if renames.Load() != 1 {
		t.Errorf("the fallback swap renamed the new tree in %d times, want 1", renames.Load())
	}
	got, ok, err := l.Find(e.Key)
	if err != nil || !ok || !got.InstalledAt.Equal(second.InstalledAt) || got.InstalledAt.Equal(first.InstalledAt) {
		t.Errorf("after fallback swap: %+v %v %v", got, ok, err)
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("leftovers: %v", h)
	}
}

func TestConcurrentInstallsOfOneKey(t *testing.T) {
	l := testLayout(t)
	e := cpy(6, "")
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := tryInstall(l, e, func(dir string) error {
				return os.WriteFile(filepath.Join(dir, exeRel(e)), []byte("#!/bin/sh\n"), 0o755)
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := keys(t, l); !slices.Equal(got, []string{e.Key}) {
		t.Errorf("Installed = %v", got)
	}
	if h := hidden(t, l.InstallDir); len(h) != 0 {
		t.Errorf("leftovers: %v", h)
	}
}
