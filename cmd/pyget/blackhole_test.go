package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/rogpeppe/go-internal/testscript"
)

// blackhole is a host that takes connections and requests and never
// answers (a firewall that lets SYNs through, a dead proxy).
type blackhole struct {
	ln       net.Listener
	requests atomic.Int64
	mu       sync.Mutex
	conns    []net.Conn
}

// blackholes are the scripts' blackholes (testscript lets Setup alone
// store values).
var blackholes sync.Map // *testscript.TestScript -> *blackhole

// blackhole: start a host that never answers; $BLACKHOLE is its URL.
func cmdBlackhole(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: blackhole")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	b := &blackhole{ln: ln}
	ts.Defer(func() {
		ln.Close()
		b.mu.Lock()
		for _, c := range b.conns {
			c.Close()
		}
		b.mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns = append(b.conns, c)
			b.mu.Unlock()
			go func() {
				r := bufio.NewReader(c)
				for {
					if _, err := http.ReadRequest(r); err != nil {
						return
					}
					b.requests.Add(1) // and no answer, ever
				}
			}()
		}
	}()
	ts.Setenv("BLACKHOLE", "http://"+ln.Addr().String())
	blackholes.Store(ts, b)
	ts.Defer(func() { blackholes.Delete(ts) })
}

// blackholeseen N: the blackhole has seen N requests (! : not N). With
// "save", remembers the count as $BLACKHOLE_SEEN instead.
func cmdBlackholeSeen(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: blackholeseen N|save")
	}
	v, ok := blackholes.Load(ts)
	if !ok {
		ts.Fatalf("no blackhole started")
	}
	got := fmt.Sprint(v.(*blackhole).requests.Load())
	if args[0] == "save" {
		ts.Setenv("BLACKHOLE_SEEN", got)
		return
	}
	if (got == args[0]) == neg {
		ts.Fatalf("the blackhole saw %s requests (want %s, negated: %v)", got, args[0], neg)
	}
}
