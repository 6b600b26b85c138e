package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/pyget/pyget/internal/fsutil"
)

// Every read of a cached archive verifies its digest, whether Start finds
// the archive at once or the transfer finds it after waiting for another
// process's lock (that process having just written it); a reader made
// before the hit was known verifies too. A damaged archive fails the read
// with ErrCorruptCache and is removed; the network is never used.
func TestCachedArchiveIsVerified(t *testing.T) {
	data := archiveData(700_000, 60)
	damaged := bytes.Clone(data)
	damaged[500_000] ^= 0xff
	for _, afterLock := range []bool{false, true} {
		for _, bad := range []bool{false, true} {
			name := map[bool]string{false: "found by Start", true: "found after the lock"}[afterLock] +
				map[bool]string{false: "/whole", true: "/damaged"}[bad]
			t.Run(name, func(t *testing.T) {
				srv := newFileServer(t, data)
				f, _, ev := newTestFetcher(t, Config{})
				tg := Target{URL: fileURL(srv), SHA256: sha(data), Size: int64(len(data))}
				content := data
				if bad {
					content = damaged
				}
				put := func() {
					if err := os.MkdirAll(f.archivesDir(), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(f.ArchivePath(tg.SHA256), content, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				var release func()
				if afterLock {
					// Another process holds the download's lock.
					var err error
					release, err = fsutil.Lock(context.Background(), filepath.Join(f.downloadsDir(), tg.SHA256+".lock"), "test", 0, nil)
					if err != nil {
						t.Fatal(err)
					}
				} else {
					put()
				}
				s, err := f.Start(context.Background(), tg)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				r := s.NewReader()
				if afterLock {
					// It finishes the archive and lets go.
					put()
					release()
				}
				got, rerr := io.ReadAll(r)
				res, werr := s.Wait()
				if werr != nil || !res.FromCache || res.Size != int64(len(data)) || res.Path != f.ArchivePath(tg.SHA256) {
					t.Fatalf("result %+v, %v", res, werr)
				}
				_, statErr := os.Stat(f.ArchivePath(tg.SHA256))
				if bad {
					var de *DigestError
					if !errors.Is(rerr, ErrCorruptCache) || !errors.As(rerr, &de) || de.Want != sha(data) || de.Got != sha(damaged) {
						t.Fatalf("reading a damaged cached archive: %d bytes, %v; want ErrCorruptCache", len(got), rerr)
					}
					if !errors.Is(statErr, os.ErrNotExist) {
						t.Fatalf("the damaged archive was kept: %v", statErr)
					}
				} else {
					if rerr != nil || !bytes.Equal(got, data) || statErr != nil {
						t.Fatalf("read %d bytes, %v; archive %v", len(got), rerr, statErr)
					}
					// A second reader verifies on its own.
					if again, err := io.ReadAll(s.NewReader()); err != nil || !bytes.Equal(again, data) {
						t.Fatalf("second reader: %d bytes, %v", len(again), err)
					}
				}
				if n := len(srv.Requests()); n != 0 {
					t.Fatalf("%d requests for a cached archive", n)
				}
				if done := ev.kinds(EventDone); len(done) != 1 || done[0].Done != int64(len(data)) {
					t.Fatalf("done events %+v", done)
				}
			})
		}
	}
}

// Cached answers the offline question by the file and its size; the digest
// is the reader's to check.
func TestCached(t *testing.T) {
	f, _, _ := newTestFetcher(t, Config{})
	data := archiveData(1000, 61)
	tg := Target{URL: "https://x.example/a.tar.gz", SHA256: sha(data), Size: int64(len(data))}
	if f.Cached(tg) {
		t.Fatal("Cached before anything is cached")
	}
	os.MkdirAll(f.archivesDir(), 0o755)
	p := f.ArchivePath(tg.SHA256)
	os.WriteFile(p, data, 0o644)
	noSize := tg
	noSize.Size = 0
	otherSize := tg
	otherSize.Size = 999
	noDigest := tg
	noDigest.SHA256 = ""
	other := tg
	other.SHA256 = sha([]byte("another archive"))
	for _, c := range []struct {
		name string
		tg   Target
		want bool
	}{
		{"whole", tg, true},
		{"size unknown", noSize, true},
		{"other size", otherSize, false},
		{"no digest", noDigest, false},
		{"another digest", other, false},
	} {
		if got := f.Cached(c.tg); got != c.want {
			t.Errorf("%s: Cached = %v, want %v", c.name, got, c.want)
		}
	}
	os.WriteFile(p, nil, 0o644)
	if f.Cached(noSize) {
		t.Error("Cached(an empty file)")
	}
	os.Remove(p)
	os.Mkdir(p, 0o755)
	if f.Cached(noSize) {
		t.Error("Cached(a directory)")
	}
}

// WaitVerified vouches for the archive at Result.Path without a reader: a
// cache hit is hashed (once), a damaged one is ErrCorruptCache and removed
// under the download lock, and a fresh archive that replaced the damaged
// one in the meantime is not removed. A download is verified already.
func TestWaitVerified(t *testing.T) {
	data := archiveData(300_000, 62)
	damaged := bytes.Clone(data)
	damaged[1000] ^= 0xff
	f, _, _ := newTestFetcher(t, Config{})
	tg := Target{URL: "https://x.example/a.tar.gz", SHA256: sha(data), Size: int64(len(data))}
	p := f.ArchivePath(tg.SHA256)
	put := func(b []byte) {
		t.Helper()
		os.Remove(p)
		if err := os.MkdirAll(f.archivesDir(), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	start := func() *Stream {
		t.Helper()
		s, err := f.Start(context.Background(), tg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}

	put(data)
	s := start()
	if res, err := s.WaitVerified(); err != nil || !res.FromCache || res.Path != p {
		t.Fatalf("whole cached archive: %+v, %v", res, err)
	}
	// Verified once: damage after the check is the next stream's to find.
	put(damaged)
	if _, err := s.WaitVerified(); err != nil {
		t.Fatalf("second WaitVerified hashed again: %v", err)
	}
	// Done with it: on Windows a file still open cannot be removed, and the
	// next stream must drop the damaged archive.
	s.Close()

	s = start()
	res, err := s.WaitVerified()
	var de *DigestError
	if !errors.Is(err, ErrCorruptCache) || !errors.As(err, &de) || de.Got != sha(damaged) || res.Path != "" {
		t.Fatalf("damaged cached archive: %+v, %v; want ErrCorruptCache", res, err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the damaged archive was kept: %v", err)
	}
	if _, err := s.WaitVerified(); !errors.Is(err, ErrCorruptCache) {
		t.Fatalf("the verdict is not kept: %v", err)
	}

	// A reader that finds the damage only drops the file it read.
	if runtime.GOOS == "windows" {
		// Not there: Go opens files without FILE_SHARE_DELETE, so a file a
		// reader holds open can be neither removed nor renamed over.
		return
	}
	put(damaged)
	s = start()
	r := s.NewReader()
	put(data) // a download replaced it meanwhile (a new file, a new name)
	if _, err := io.ReadAll(r); !errors.Is(err, ErrCorruptCache) {
		t.Fatalf("reading the damaged archive: %v", err)
	}
	if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the fresh archive was removed: %v", err)
	}
}
