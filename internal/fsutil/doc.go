// Package fsutil holds the disk primitives every on-disk state of pyget
// shares: an atomic file write (WriteFile: a final name exists only when its
// content is complete and durable; WriteFileFast: as atomic, not fsynced,
// for state that is cheap to lose), a file lock with a bounded wait (Lock),
// and the classification of a disk's errors (IsDiskFull). The catalog
// cache, install records, pins and Windows command shims write through
// WriteFile, the download sidecars through WriteFileFast; both name their
// temp files ".<base>.tmp-*" (TempPattern) for their owners' sweeps. The
// download, build and link locks all go through Lock.
//
// It imports nothing of pyget's, so every package may use it.
package fsutil
