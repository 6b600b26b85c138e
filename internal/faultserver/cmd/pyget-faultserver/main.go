// Command pyget-faultserver serves a directory over HTTP/1.1 or HTTP/2 with
// scripted faults, for demos and manual testing of pyget.
//
//	pyget-faultserver -root DIR [-addr 127.0.0.1:0] [-proto h1|h2] [-ca FILE]
//	    [-faults "refuse,reset@8MiB,close@20MiB,html,status503:retry=1,..."]
//	    [-pace 5MB] [-shared-pace 10MB] [-first-byte 50ms]
//
// Its first line on stdout is "listening on URL"; each request is logged to
// stderr on one line.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/pyget/pyget/internal/faultserver"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pyget-faultserver:", err)
		os.Exit(1)
	}
}

func run() error {
	root := flag.String("root", ".", "directory to serve; URL paths are relative to it")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	proto := flag.String("proto", "h1", "protocol: h1 (plain http) or h2 (https, self-signed CA)")
	caFile := flag.String("ca", "", "with -proto h2: write the CA certificate (PEM) to this file")
	faults := flag.String("faults", "", "comma-separated fault script applied to successive requests")
	pace := flag.String("pace", "", "pace each response's body at this many bytes per second (e.g. 5MB); empty = unpaced")
	sharedPace := flag.String("shared-pace", "", "pace all responses together at this many bytes per second (e.g. 10MB), as a line every connection shares; empty = none")
	firstByte := flag.Duration("first-byte", 0, "wait this long before each response's status line (e.g. 50ms), as a distant server's round trip does")
	flag.Parse()

	var p faultserver.Proto
	switch *proto {
	case "h1":
		p = faultserver.HTTP1
	case "h2":
		p = faultserver.HTTP2
	default:
		return fmt.Errorf("-proto %q: want h1 or h2", *proto)
	}
	var paceBPS int64
	if *pace != "" {
		n, err := faultserver.ParseSize(*pace)
		if err != nil || n <= 0 {
			return fmt.Errorf("-pace %q: want a size per second such as 5MB", *pace)
		}
		paceBPS = n
	}
	var sharedBPS int64
	if *sharedPace != "" {
		n, err := faultserver.ParseSize(*sharedPace)
		if err != nil || n <= 0 {
			return fmt.Errorf("-shared-pace %q: want a size per second such as 10MB", *sharedPace)
		}
		sharedBPS = n
	}
	script, err := faultserver.ParseScript(*faults)
	if err != nil {
		return fmt.Errorf("-faults: %w", err)
	}
	files, err := loadTree(*root)
	if err != nil {
		return err
	}
	s, err := faultserver.NewOn(p, *addr, files)
	if err != nil {
		return err
	}
	defer s.Close()
	if *caFile != "" {
		if p != faultserver.HTTP2 {
			return fmt.Errorf("-ca needs -proto h2")
		}
		if err := os.WriteFile(*caFile, s.CAPEM(), 0o644); err != nil {
			return fmt.Errorf("write ca: %w", err)
		}
	}
	// The exact count in brackets is for scripts that add up the bytes sent.
	s.OnRequest(func(l faultserver.Logged) { fmt.Fprintf(os.Stderr, "%s [%d bytes]\n", l, l.BytesSent) })
	s.Script(script...)
	s.SetPace(paceBPS)
	s.SetSharedPace(sharedBPS)
	s.SetFirstByteDelay(*firstByte)
	fmt.Printf("listening on %s\n", s.URL)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}

// loadTree reads every regular file under root into memory, keyed by its
// slash-separated URL path.
func loadTree(root string) (map[string][]byte, error) {
	files := make(map[string][]byte)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files["/"+filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", root, err)
	}
	return files, nil
}
