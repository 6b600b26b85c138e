package pipeline

import "golang.org/x/sys/unix"

// danglingNow reports why the link p leads nowhere at this moment, or nil
// when it leads somewhere or is not there. It pins the link's inode while
// it looks: a failed stat counts only if p still names that same link
// afterwards. Without the pin, a link removed (stat: no such file) and made
// again before the second look read as one that led nowhere, a false
// failure that a preemption between the two looks made likely under load.
// A pinned inode cannot be reused, so a link made again is always another.
func danglingNow(p string) error {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil // not there: nothing dangles
	}
	defer unix.Close(fd)
	var pinned, now unix.Stat_t
	if err := unix.Fstat(fd, &pinned); err != nil {
		return nil
	}
	lerr := leadsSomewhere(p)
	if lerr == nil {
		return nil
	}
	if err := unix.Lstat(p, &now); err != nil || now.Dev != pinned.Dev || now.Ino != pinned.Ino {
		return nil // removed or replaced meanwhile: the stat may have met its absence
	}
	return lerr
}
