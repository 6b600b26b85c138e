package mirror

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/catalog"
)

// fakeBundler writes "bundle for <sha>" as a bundle, refuses the digests in
// refuse (a warning, or an error when require), and verifies a bundle when
// it says what fetch writes.
type fakeBundler struct {
	mu      sync.Mutex
	fetched []string
	refuse  map[string]bool
	require bool
}

func (f *fakeBundler) Fetch(ctx context.Context, s attest.Subject, path string) (attest.Result, error) {
	f.mu.Lock()
	f.fetched = append(f.fetched, s.SHA256)
	f.mu.Unlock()
	if f.refuse[s.SHA256] {
		if f.require {
			return attest.Result{}, &attest.Error{Kind: attest.KindUnavailable, Message: s.Name + ": no attestation published"}
		}
		return attest.Result{Warning: s.Name + ": no bundle stored: HTTP 404"}, nil
	}
	return attest.Result{Verified: true}, os.WriteFile(path, []byte("bundle for "+s.SHA256), 0o644)
}

func (f *fakeBundler) Verify(ctx context.Context, s attest.Subject, path string) (attest.Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return attest.Result{}, err
	}
	if string(b) != "bundle for "+s.SHA256 {
		return attest.Result{}, &attest.Error{Kind: attest.KindVerification, Message: s.Name + ": subject digest does not match"}
	}
	return attest.Result{Verified: true}, nil
}

func (f *fakeBundler) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.fetched)
}

// Sync stores each archive's bundle beside it, once; Check flags a
// tampered bundle; prune takes a bundle with its archive; SHA256SUMS lists
// archives only.
func TestSyncStoresBundles(t *testing.T) {
	fx := newFixture(t)
	a, b := fx.entry(13, "20260610"), fx.entry(14, "20260610")
	old := fx.entry(12, "20240814") // predates attestations: no bundle looked for
	fb := &fakeBundler{}
	m := fx.mirror()
	m.Bundles = fb
	rep, err := m.Sync(context.Background(), []catalog.Entry{a, b, old}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rep.Files {
		if o.BundleStored != (o.Entry.Key != old.Key) {
			t.Errorf("%s: bundle stored %v", o.Entry.Key, o.BundleStored)
		}
	}
	relA, _ := RelPath(a)
	bundleA := filepath.Join(fx.dir, filepath.FromSlash(relA)) + BundleSuffix
	if got, err := os.ReadFile(bundleA); err != nil || string(got) != "bundle for "+a.SHA256 {
		t.Fatalf("bundle beside %s: %q, %v", relA, got, err)
	}
	relOld, _ := RelPath(old)
	if _, err := os.Stat(filepath.Join(fx.dir, filepath.FromSlash(relOld)) + BundleSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a bundle for a build older than attestations: %v", err)
	}
	sums, _ := os.ReadFile(filepath.Join(fx.dir, "20260610", SumsFile))
	if strings.Contains(string(sums), BundleSuffix) {
		t.Errorf("SHA256SUMS lists bundles:\n%s", sums)
	}

	// Incremental: a second run fetches no bundle it has.
	if _, err := m.Sync(context.Background(), []catalog.Entry{a, b, old}, false); err != nil {
		t.Fatal(err)
	}
	if n := fb.count(); n != 2 {
		t.Errorf("%d bundle fetches over two runs, want 2", n)
	}

	if problems, _, err := m.Check(context.Background()); err != nil || len(problems) != 0 {
		t.Fatalf("check of a good mirror: %v, %v", problems, err)
	}
	if err := os.WriteFile(bundleA, []byte("bundle for "+b.SHA256), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, _, err := m.Check(context.Background())
	if err != nil || len(problems) != 1 || problems[0].RelPath != relA+BundleSuffix || !strings.Contains(problems[0].Reason, "subject digest") {
		t.Fatalf("check of a tampered bundle: %v, %v", problems, err)
	}

	if _, err := m.Sync(context.Background(), []catalog.Entry{b}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bundleA); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pruned archive's bundle left: %v", err)
	}
}

// No bundle to be had: a warning under auto, the asset fails under
// require.
func TestSyncBundleUnavailable(t *testing.T) {
	for _, require := range []bool{false, true} {
		fx := newFixture(t)
		a := fx.entry(13, "20260610")
		m := fx.mirror()
		m.Bundles = &fakeBundler{refuse: map[string]bool{a.SHA256: true}, require: require}
		rep, err := m.Sync(context.Background(), []catalog.Entry{a}, false)
		o := rep.Files[0]
		rel, _ := RelPath(a)
		_, statErr := os.Stat(filepath.Join(fx.dir, filepath.FromSlash(rel)))
		if require {
			if err == nil || o.State != Failed || !errors.Is(o.Err, attest.ErrUnavailable) {
				t.Errorf("require: %v, %+v", err, o)
			}
			if !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("require: the archive whose bundle failed was left in the mirror (%v)", statErr)
			}
			continue
		}
		if statErr != nil {
			t.Errorf("auto: the archive is not in the mirror: %v", statErr)
		}
		if err != nil || o.State != Downloaded || o.BundleWarning == "" || o.BundleStored {
			t.Errorf("auto: %v, %+v", err, o)
		}
	}
}
