package fetch

import (
	"encoding"
	"hash"
	"sync"
)

// asyncHasher runs sha256 on a goroutine of its own, so hashing overlaps the
// next network read and file write instead of adding to them: on a fast
// link sha256 alone would cost a third of the transfer. Write copies the
// bytes (the caller reuses its buffer); everything that reads the hash state
// waits for the queue to drain first.
type asyncHasher struct {
	h       hash.Hash // owned by the worker until sync returns
	work    chan []byte
	free    chan []byte
	pending sync.WaitGroup
	stop    sync.Once
}

const hasherQueue = 4

func newAsyncHasher(h hash.Hash) *asyncHasher {
	a := &asyncHasher{h: h, work: make(chan []byte, hasherQueue), free: make(chan []byte, hasherQueue+1)}
	go func() {
		for b := range a.work {
			a.h.Write(b)
			select {
			case a.free <- b:
			default:
			}
			a.pending.Done()
		}
	}()
	return a
}

// Write queues a copy of p for hashing.
func (a *asyncHasher) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		var b []byte
		select {
		case b = <-a.free:
		default:
			b = make([]byte, copyBufSize)
		}
		n := copy(b[:cap(b)], p)
		a.pending.Add(1)
		a.work <- b[:n]
		p = p[n:]
	}
	return total, nil
}

// sync waits until every queued byte is in the hash.
func (a *asyncHasher) sync() { a.pending.Wait() }

func (a *asyncHasher) Sum(b []byte) []byte {
	a.sync()
	return a.h.Sum(b)
}

func (a *asyncHasher) Reset() {
	a.sync()
	a.h.Reset()
}

// set replaces the hash (one restored from a sidecar).
func (a *asyncHasher) set(h hash.Hash) {
	a.sync()
	a.h = h
}

// state is the hash's marshalled state, for the sidecar.
func (a *asyncHasher) state() ([]byte, error) {
	a.sync()
	return a.h.(encoding.BinaryMarshaler).MarshalBinary()
}

// close ends the worker; the hasher must not be written after.
func (a *asyncHasher) close() {
	a.stop.Do(func() {
		a.sync()
		close(a.work)
	})
}
