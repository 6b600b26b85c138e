package faultserver

import "syscall"

// WSAECONNRESET: Winsock's reset, which syscall.ECONNRESET (an errno Go
// invents on Windows) does not match.
func init() { connResets = append(connResets, syscall.Errno(10054)) }
