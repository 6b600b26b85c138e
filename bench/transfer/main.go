// Command transfer downloads one URL with pyget's transfer layer and nothing
// else (no extraction, no install), so bench/bench.sh can set it beside
// `curl -o` on the same server. It runs with the transfer layer's defaults,
// which are pyget's when no PYGET_HTTP_* variable is set.
//
//	go run ./bench/transfer -url URL -sha256 HEX -cache DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pyget/pyget/internal/fetch"
)

func main() {
	url := flag.String("url", "", "what to download")
	sum := flag.String("sha256", "", "expected digest")
	cache := flag.String("cache", "", "cache dir (emptied by the caller between runs)")
	flag.Parse()
	if *url == "" || *cache == "" {
		fmt.Fprintln(os.Stderr, "usage: transfer -url URL -sha256 HEX -cache DIR")
		os.Exit(2)
	}
	f, err := fetch.New(fetch.DefaultConfig(*cache))
	if err != nil {
		fail(err)
	}
	start := time.Now()
	s, err := f.Start(context.Background(), fetch.Target{Name: "bench", URL: *url, SHA256: *sum})
	if err != nil {
		fail(err)
	}
	defer s.Close()
	// Read it as the extractor would, so the measure includes the reader.
	if _, err := io.Copy(io.Discard, s.NewReader()); err != nil {
		fail(err)
	}
	r, err := s.Wait()
	if err != nil {
		fail(err)
	}
	fmt.Printf("%d bytes in %.3fs, %d received, %d faults\n", r.Size, time.Since(start).Seconds(), r.WireBytes, r.Faults)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "transfer:", err)
	os.Exit(1)
}
