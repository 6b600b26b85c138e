package faultserver

import (
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// drainSent waits until the kernel has handed every byte written on c to the
// peer (its send queue is empty), at most limit. A fault "at byte N" means
// the client got N bytes and then the fault: without this, a reset would
// also destroy megabytes still queued in loopback buffers, which no real
// network holds, and byte counts would measure the buffers, not the client.
func drainSent(c net.Conn, limit time.Duration) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		queued := 0
		raw.Control(func(fd uintptr) {
			queued, err = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ)
		})
		if err != nil || queued == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// The bytes sit in the client's receive buffer now; let it read them.
	time.Sleep(20 * time.Millisecond)
}
