package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

const (
	defaultMaxBytes   = 4 << 30
	defaultMaxEntries = 200_000

	copyBufSize = 256 << 10
	// Directory handles kept open. Archives list a directory's files
	// together, so a handful avoids re-walking the path for nearly every file.
	dirCacheSize = 8
	// How many files handed out t.files may list before the finished ones
	// are dropped from it.
	forgetEvery = 1024
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = defaultMaxBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = defaultMaxEntries
	}
	return l
}

type entryKind int

const (
	kindFile entryKind = iota
	kindDir
	kindSymlink
	kindHardlink
)

// entry is an archive member, whatever the container.
type entry struct {
	name     string // as in the archive, slash separated
	label    string // the name to report when it differs from name
	kind     entryKind
	perm     fs.FileMode
	size     int64 // declared size of a file
	mtime    time.Time
	linkname string
	routed   bool // a file whose data the pipe routes to a writer (tree.w)
}

type layout int

const (
	layoutUnknown layout = iota
	layoutPlain          // the top folder is the interpreter tree
	layoutFull           // python-build-standalone "full": top/install/ is the tree
)

// tree writes entries beneath dest. Every path it touches goes through
// os.Root, so even a bug in the checks below cannot reach outside dest; the
// checks exist to refuse hostile archives with a clear error instead.
type tree struct {
	root *os.Root
	lim  Limits

	entries int
	bytes   int64

	top         string
	layout      layout
	sawInstall  bool
	wroteAny    bool
	links       map[string]bool // symlinks created, by dest-relative path
	dirs        map[string]bool // directories known to exist
	dirCache    []*dirHandle
	buf         []byte
	readErr     func(error) error // turns errors reading entry data into reportable ones
	dataIsSized bool              // tar: the declared size is enforced by the reader

	// With writers, regular files are created and filled on other
	// goroutines; everything else (checks, limits, directories, links)
	// stays here, in archive order.
	w     *writers
	route func(*fileJob, int64)      // hands a file's data to its job (the pipe's)
	files map[string]<-chan struct{} // files handed out and maybe unfinished: their done
	made  map[string]bool            // files and links created or handed out
}

func newTree(dest string, lim Limits) (*tree, error) {
	root, err := os.OpenRoot(dest)
	if err != nil {
		return nil, fmt.Errorf("opening destination: %w", err)
	}
	return &tree{
		root:    root,
		lim:     lim.withDefaults(),
		links:   map[string]bool{},
		dirs:    map[string]bool{".": true},
		buf:     make([]byte, copyBufSize),
		readErr: func(err error) error { return err },
	}, nil
}

func (t *tree) close() {
	for _, d := range t.dirCache {
		d.release()
	}
	t.dirCache = nil
	t.root.Close()
}

// count enforces MaxEntries; every member counts, written or not.
func (t *tree) count(name string) error {
	t.entries++
	if t.entries > t.lim.MaxEntries {
		return &LimitError{What: "entries", Limit: int64(t.lim.MaxEntries), Entry: name}
	}
	return nil
}

// localName validates an archive name and returns it cleaned, slash
// separated, "." for the archive root.
func localName(name string) (string, string) {
	if name == "" {
		return "", "empty name"
	}
	if strings.ContainsRune(name, 0) {
		return "", "NUL in name"
	}
	if strings.HasPrefix(name, "/") || filepath.IsAbs(name) || filepath.VolumeName(name) != "" {
		return "", "absolute path"
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", "path traversal (..)"
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return ".", ""
	}
	// Catches what only the host OS considers special: backslash
	// separators, drive letters, reserved names like NUL on Windows.
	if !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", "not a local path on this system"
	}
	return clean, ""
}

// place maps an archive name to its dest-relative path, stripping the single
// top-level folder and, for a full archive, install/. skip is true for
// members that are not written (the folders that become dest itself, a full
// archive's build files).
func (t *tree) place(name string, kind entryKind) (dst string, skip bool, err error) {
	clean, reason := localName(name)
	if reason != "" {
		return "", false, unsafeEntry(name, reason)
	}
	if clean == "." {
		return "", true, nil
	}
	first, rest, _ := strings.Cut(clean, "/")
	if rest == "" && kind != kindDir {
		return "", false, layoutErr("top-level %s is not inside a folder", name)
	}
	switch {
	case t.top == "":
		t.top = first
	case first != t.top:
		return "", false, layoutErr("more than one top-level folder (%q and %q)", t.top, first)
	}
	if rest == "" {
		return "", true, nil
	}
	sub, _, _ := strings.Cut(rest, "/")
	if t.layout == layoutUnknown {
		// A full archive holds PYTHON.json, build/, install/ and licenses/;
		// python-build-standalone lists PYTHON.json first, and build/ sorts
		// before install/, so the first member tells.
		t.layout = layoutPlain
		if rest == "PYTHON.json" || sub == "install" || sub == "build" {
			t.layout = layoutFull
		}
	}
	if t.layout == layoutFull {
		inst, ok := strings.CutPrefix(rest, "install")
		if !ok || (inst != "" && inst[0] != '/') {
			return "", true, nil
		}
		t.sawInstall = true
		if inst == "" {
			return "", true, nil
		}
		rest = inst[1:]
	}
	return rest, false, nil
}

// lookup maps a hardlink's target like place, without changing the layout.
func (t *tree) lookup(name string) (string, string) {
	clean, reason := localName(name)
	if reason != "" {
		return "", reason
	}
	first, rest, _ := strings.Cut(clean, "/")
	if first != t.top || rest == "" {
		return "", "hardlink target outside the tree"
	}
	if t.layout == layoutFull {
		inst, ok := strings.CutPrefix(rest, "install/")
		if !ok || inst == "" {
			return "", "hardlink target not extracted"
		}
		rest = inst
	}
	return rest, ""
}

// throughLink reports whether a parent of dst is a symlink this archive
// created. Writing beneath one would let a member land wherever the link
// points; archives made from a real tree never need it.
func (t *tree) throughLink(dst string) bool {
	if len(t.links) == 0 {
		return false
	}
	for i := range len(dst) {
		if dst[i] == '/' && t.links[dst[:i]] {
			return true
		}
	}
	return false
}

// checkLinkTarget accepts relative targets whose ".." components all come
// first and climb no higher than dest. With ".." only in front, the lexical
// and the physical resolution agree (the link's own directory is real, see
// throughLink), and any further symlink the target walks through was held to
// the same rule, so the link cannot lead out of dest however the links chain.
func checkLinkTarget(dst, target string) string {
	if target == "" {
		return "empty symlink target"
	}
	if strings.HasPrefix(target, "/") || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
		return "absolute symlink target " + target
	}
	if strings.ContainsAny(target, "\\\x00") {
		return "symlink target with a backslash or NUL"
	}
	depth := strings.Count(dst, "/") // depth of the link's directory below dest
	named := false
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			if named {
				return "symlink target " + target + " has .. after a name"
			}
			depth--
			if depth < 0 {
				return "symlink target " + target + " escapes the tree"
			}
		default:
			named = true
		}
	}
	return ""
}

// dir returns a handle on directory d (dest-relative), creating it and its
// parents. Operations through the handle take a single path component, which
// spares os.Root a component-by-component walk per file.
func (t *tree) dir(d string, perm fs.FileMode) (*dirHandle, error) {
	for i, c := range t.dirCache {
		if c.name == d {
			if i > 0 {
				copy(t.dirCache[1:i+1], t.dirCache[:i])
				t.dirCache[0] = c
			}
			return c, nil
		}
	}
	if err := t.mkdirAll(d, perm); err != nil {
		return nil, err
	}
	r, err := t.root.OpenRoot(filepath.FromSlash(d))
	if err != nil {
		return nil, err
	}
	if len(t.dirCache) == dirCacheSize {
		t.dirCache[dirCacheSize-1].release()
		t.dirCache = t.dirCache[:dirCacheSize-1]
	}
	h := newDirHandle(d, r)
	t.dirCache = append([]*dirHandle{h}, t.dirCache...)
	return h, nil
}

func (t *tree) mkdirAll(d string, perm fs.FileMode) error {
	if t.dirs[d] {
		return nil
	}
	// A file handed to a writer at d or above it must exist first, so
	// that MkdirAll meets it (and fails) as it would in archive order.
	for p := d; p != "." && !t.dirs[p]; p = path.Dir(p) {
		if err := t.settle(p); err != nil {
			return err
		}
	}
	if err := t.root.MkdirAll(filepath.FromSlash(d), perm); err != nil {
		return err
	}
	for d != "." && !t.dirs[d] {
		t.dirs[d] = true
		d = path.Dir(d)
	}
	return nil
}

// settle waits until a file handed to a writer at dst is on disk, so that
// whatever the archive does next at dst (replace it, link to it) meets it.
func (t *tree) settle(dst string) error {
	if done, ok := t.files[dst]; ok {
		return t.w.wait(done)
	}
	return nil
}

// forgetFinished drops the files that are complete from t.files, so that
// it holds about the files in flight, not one entry per file of the archive.
func (t *tree) forgetFinished() {
	for dst, done := range t.files {
		select {
		case <-done:
			delete(t.files, dst)
		default:
		}
	}
}

// clear removes a file or symlink left at base by an earlier member of the
// same name (the later one wins, as with tar) but never a directory.
func (t *tree) clear(parent *os.Root, dst, base string) error {
	fi, err := parent.Lstat(base)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: a directory is in the way", dst)
	}
	delete(t.links, dst)
	return parent.Remove(base)
}

// add writes one member; data supplies a file's contents.
func (t *tree) add(ctx context.Context, e entry, data io.Reader) error {
	err := t.addEntry(ctx, e, data)
	var ue *UnsafeEntryError
	if e.label != "" && errors.As(err, &ue) {
		ue.Entry = e.label
	}
	return err
}

func (t *tree) addEntry(ctx context.Context, e entry, data io.Reader) error {
	dst, skip, err := t.place(e.name, e.kind)
	if err != nil || skip {
		if err == nil && e.kind == kindFile {
			// Skipped data still counts: it costs decompression time.
			err = t.addBytes(e.name, e.size)
		}
		return err
	}
	if t.throughLink(dst) {
		return unsafeEntry(e.name, "path goes through a symlink")
	}
	t.wroteAny = true
	parentName, base := path.Split(dst)
	parentName = strings.TrimSuffix(parentName, "/")
	if parentName == "" {
		parentName = "."
	}
	switch e.kind {
	case kindDir:
		if t.links[dst] {
			return unsafeEntry(e.name, "directory replaces a symlink")
		}
		// Owner rwx so the directory's own members can be written.
		if err := t.mkdirAll(dst, e.perm|0o700); err != nil {
			return fmt.Errorf("extracting %s: %w", e.name, err)
		}
		return nil
	case kindSymlink:
		if reason := checkLinkTarget(dst, e.linkname); reason != "" {
			return unsafeEntry(e.name, reason)
		}
	case kindHardlink:
		target, reason := t.lookup(e.linkname)
		if reason == "" && t.throughLink(target) {
			reason = "hardlink target goes through a symlink"
		}
		if reason == "" {
			if err := t.settle(target); err != nil {
				return err
			}
			fi, err := t.root.Lstat(filepath.FromSlash(target))
			if err != nil || !fi.Mode().IsRegular() {
				reason = "hardlink target " + e.linkname + " is not a file extracted before it"
			}
		}
		if reason != "" {
			return unsafeEntry(e.name, reason)
		}
		e.linkname = target
	}
	// Whatever the archive does at dst, an earlier file there is complete
	// first (a hard link's target was settled above).
	if err := t.settle(dst); err != nil {
		return err
	}
	dh, err := t.dir(parentName, 0o755)
	if err != nil {
		return fmt.Errorf("extracting %s: %w", e.name, err)
	}
	parent := dh.root
	if e.kind == kindFile && e.routed {
		return t.handOut(dh, dst, base, e)
	}
	for attempt := 0; ; attempt++ {
		err = t.create(ctx, parent, dst, base, e, data)
		if attempt > 0 || !errors.Is(err, fs.ErrExist) {
			break
		}
		if err = t.clear(parent, dst, base); err != nil {
			break
		}
	}
	if err != nil {
		var ue *UnsafeEntryError
		var le *LimitError
		if errors.As(err, &ue) || errors.As(err, &le) || errors.Is(err, ErrCorrupt) ||
			errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isReadErr(err) {
			return err
		}
		return fmt.Errorf("extracting %s: %w", e.name, err)
	}
	if t.made != nil {
		t.made[dst] = true
	}
	return nil
}

// handOut gives a file to the writers: what the sequential path learns from
// O_EXCL (something already there) is checked here, from what this tree
// made, so a later member still replaces an earlier one and never a
// directory.
func (t *tree) handOut(dh *dirHandle, dst, base string, e entry) error {
	if t.made[dst] || t.dirs[dst] {
		if err := t.clear(dh.root, dst, base); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("extracting %s: %w", e.name, err)
		}
	}
	if err := t.addBytes(e.name, e.size); err != nil {
		return err
	}
	job := newFileJob(e.name, dh, base, e.perm, e.mtime)
	if err := t.w.hand(job); err != nil {
		return err
	}
	if len(t.files) >= forgetEvery {
		t.forgetFinished()
	}
	t.files[dst] = job.done
	t.made[dst] = true
	t.route(job, e.size)
	return nil
}

func (t *tree) create(ctx context.Context, parent *os.Root, dst, base string, e entry, data io.Reader) error {
	switch e.kind {
	case kindSymlink:
		if err := parent.Symlink(filepath.FromSlash(e.linkname), base); err != nil {
			return err
		}
		t.links[dst] = true
		return nil
	case kindHardlink:
		return t.root.Link(filepath.FromSlash(e.linkname), filepath.FromSlash(dst))
	}
	if t.dataIsSized {
		if err := t.addBytes(e.name, e.size); err != nil {
			return err
		}
	}
	perm := e.perm &^ 0o200
	f, err := parent.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o200)
	if err != nil {
		return err
	}
	if err := t.copy(ctx, f, e, data); err != nil {
		f.Close()
		return err
	}
	if e.perm&0o200 == 0 {
		// Created writable so it could be filled; now as the archive says.
		if err := f.Chmod(e.perm); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Python trusts a .pyc only if the source's mtime matches, so the
	// archive's times must survive or every import rewrites its cache.
	return parent.Chtimes(base, e.mtime, e.mtime)
}

func (t *tree) addBytes(name string, n int64) error {
	t.bytes += n
	if t.bytes > t.lim.MaxBytes {
		return &LimitError{What: "bytes", Limit: t.lim.MaxBytes, Entry: name}
	}
	return nil
}

// readErrMark tags errors that came from reading the archive, so add does
// not dress them up as file system errors.
type readErrMark struct{ err error }

func (e *readErrMark) Error() string { return e.err.Error() }
func (e *readErrMark) Unwrap() error { return e.err }

func isReadErr(err error) bool {
	var m *readErrMark
	return errors.As(err, &m)
}

// copy fills f from data with full buffers: few large writes are what make
// extraction keep up with the decompressor.
func (t *tree) copy(ctx context.Context, f *os.File, e entry, data io.Reader) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := fill(data, t.buf)
		if n > 0 {
			if !t.dataIsSized {
				if err := t.addBytes(e.name, int64(n)); err != nil {
					return err
				}
			}
			if _, err := f.Write(t.buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return &readErrMark{t.readErr(rerr)}
		}
	}
}

// fill reads until buf is full or r fails; unlike io.ReadFull it passes the
// reader's own errors through untouched (io.EOF included).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
