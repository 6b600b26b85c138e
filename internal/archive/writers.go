package archive

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// defaultWriters is how many goroutines create and fill files while the
// tar reader goes on: one per core (GOMAXPROCS, which follows a container's
// CPU quota) beyond the one inflate keeps busy, at
// most 4. Creating a file blocks in the kernel (directory and inode-table
// locks) longer than it uses a CPU, so a few at once overlap those waits
// where there are cores to spare; on 2 cores, 4 writers spun on the
// directory's lock (rwsem_spin_on_owner was 12% of a reinstall's samples
// under perf) and took CPU from inflate, while one writer cost no more
// system time than none (BENCHMARKS.md, section 8).
var defaultWriters = writersFor(runtime.GOMAXPROCS(0))

func writersFor(cpus int) int { return min(4, max(1, cpus-1)) }

const (
	// writerQueue bounds the files handed out and not yet taken by a
	// writer; each holds a directory handle open.
	writerQueue = 64
)

// dirHandle is a directory opened through the tree's os.Root and shared by
// the directory cache and the files being written in it: the last holder
// closes it, so a writer never sees a handle the cache evicted.
type dirHandle struct {
	name string
	root *os.Root
	refs atomic.Int32
}

func newDirHandle(name string, root *os.Root) *dirHandle {
	d := &dirHandle{name: name, root: root}
	d.refs.Store(1) // the cache's
	return d
}

func (d *dirHandle) acquire() *dirHandle {
	d.refs.Add(1)
	return d
}

func (d *dirHandle) release() {
	if d.refs.Add(-1) == 0 {
		d.root.Close()
	}
}

// fileJob is one regular file for a writer: everything it needs was decided
// and checked by the tree (name, place, limits) before it was handed out; its
// data arrives as segments of the pipe's chunks.
type fileJob struct {
	name  string // as in the archive, for errors
	dir   *dirHandle
	base  string
	perm  fs.FileMode
	mtime time.Time
	data  chan segment  // closed after the last segment
	done  chan struct{} // closed once the file is complete or abandoned
}

func newFileJob(name string, dir *dirHandle, base string, perm fs.FileMode, mtime time.Time) *fileJob {
	return &fileJob{
		name: name, dir: dir.acquire(), base: base, perm: perm, mtime: mtime,
		data: make(chan segment, pipeChunks+1),
		done: make(chan struct{}),
	}
}

// writers create and fill files concurrently with the tar reader. File order
// does not matter until the commit; what does (a directory before its files,
// a hard link after its target, a later member replacing an earlier one) the
// tree arranges by waiting for the job concerned (tree.settle).
type writers struct {
	ctx    context.Context
	open   openFunc
	queue  chan *fileJob
	failed chan struct{} // closed on the first failure or on abort
	wg     sync.WaitGroup

	once   sync.Once
	err    error // the first writer error; read after failed is closed
	closed bool  // queue closed (by the tree's goroutine only)
}

// outFile is what a writer needs of an *os.File; tests substitute one that
// fails (a full disk) or stalls (cancellation) to see what extract does.
type outFile interface {
	Write([]byte) (int, error)
	Chmod(fs.FileMode) error
	Close() error
}

type openFunc func(dir *os.Root, base string, perm fs.FileMode) (outFile, error)

func createFile(dir *os.Root, base string, perm fs.FileMode) (outFile, error) {
	return dir.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}

func startWriters(ctx context.Context, n int, open openFunc) *writers {
	w := &writers{
		ctx:    ctx,
		open:   open,
		queue:  make(chan *fileJob, writerQueue),
		failed: make(chan struct{}),
	}
	for range n {
		w.wg.Add(1)
		go w.run()
	}
	return w
}

func (w *writers) run() {
	defer w.wg.Done()
	for job := range w.queue {
		var err error
		select {
		case <-w.failed:
			err = errWritersFailed // abandon what is left, releasing handles
		default:
			err = job.write(w.ctx, w.failed, w.open)
		}
		job.dir.release()
		close(job.done)
		if err != nil && err != errWritersFailed {
			w.fail(err)
		}
	}
}

func (w *writers) fail(err error) {
	w.once.Do(func() {
		w.err = err
		close(w.failed)
	})
}

// failure is the first writer error, or nil.
func (w *writers) failure() error {
	select {
	case <-w.failed:
		return w.err
	default:
		return nil
	}
}

// failureOrNil is failure for a tree that may have no writers.
func (w *writers) failureOrNil() error {
	if w == nil {
		return nil
	}
	return w.failure()
}

// hand queues a job. It blocks only while every writer is busy and the
// queue is full; those jobs' data is all routed already, so they finish.
func (w *writers) hand(job *fileJob) error {
	select {
	case w.queue <- job:
		return nil
	case <-w.failed:
		job.dir.release()
		return w.err
	case <-w.ctx.Done():
		job.dir.release()
		return w.ctx.Err()
	}
}

// wait blocks until a job is complete (done is its done channel), so that
// what follows sees it on disk.
func (w *writers) wait(done <-chan struct{}) error {
	select {
	case <-done:
		return w.failure()
	case <-w.failed:
		return w.err
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// finish waits for every queued file and returns the first failure.
func (w *writers) finish() error {
	w.closeQueue()
	w.wg.Wait()
	return w.failure()
}

func (w *writers) closeQueue() {
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
}

// stop abandons what is queued and waits for the writers to exit, so that
// nothing is written into dest after extract returns. Safe after finish.
func (w *writers) stop() {
	w.once.Do(func() {
		w.err = errWritersFailed
		close(w.failed)
	})
	w.closeQueue()
	w.wg.Wait()
}

// write creates the file and fills it from its segments, as tree.create
// does for the sequential path.
func (j *fileJob) write(ctx context.Context, abort <-chan struct{}, open openFunc) error {
	f, err := open(j.dir.root, j.base, j.perm|0o200)
	if err != nil {
		return j.wrap(err)
	}
	for {
		var seg segment
		var more bool
		select {
		case seg, more = <-j.data:
		case <-abort:
			f.Close()
			return errWritersFailed
		case <-ctx.Done():
			f.Close()
			return ctx.Err()
		}
		if !more {
			break
		}
		_, err := f.Write(seg.bytes())
		seg.c.release()
		if err != nil {
			f.Close()
			return j.wrap(err)
		}
	}
	if j.perm&0o200 == 0 {
		// Created writable so it could be filled; now as the archive says.
		if err := f.Chmod(j.perm); err != nil {
			f.Close()
			return j.wrap(err)
		}
	}
	if err := f.Close(); err != nil {
		return j.wrap(err)
	}
	// Python trusts a .pyc only if the source's mtime matches.
	if err := j.dir.root.Chtimes(j.base, j.mtime, j.mtime); err != nil {
		return j.wrap(err)
	}
	return nil
}

func (j *fileJob) wrap(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("extracting %s: %w", j.name, err)
}
