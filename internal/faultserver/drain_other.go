//go:build !linux

package faultserver

import (
	"net"
	"time"
)

// drainSent gives the peer a moment to receive what was written before a
// reset; see drain_linux.go for the exact version.
func drainSent(c net.Conn, limit time.Duration) {
	time.Sleep(min(limit, 50*time.Millisecond))
}
