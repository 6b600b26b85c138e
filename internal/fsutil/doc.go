// Package fsutil holds the two disk primitives every on-disk state of pyget
// shares: an atomic file write (WriteFile: a final name exists only when its
// content is complete and durable) and a file lock with a bounded wait
// (Lock). The catalog cache, the download sidecars, install records and pins
// all write through WriteFile; the download, build and link locks all go
// through Lock.
//
// It imports nothing of pyget's, so every package may use it.
package fsutil
