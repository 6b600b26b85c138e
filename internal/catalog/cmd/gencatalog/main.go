// Command gencatalog writes the catalog snapshot built into pyget
// (internal/catalog/snapshot/catalog.bin.gz) from a catalog in uv's
// download-metadata format: `make catalog` runs it.
//
//	go run ./internal/catalog/cmd/gencatalog [-src PATH|URL] [-out FILE]
//
// -src defaults to the catalog uv publishes; a file works offline, e.g.
// `make catalog SRC=../shared/data/uv-download-metadata.json`.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fsutil"
)

func main() {
	src := flag.String("src", "", "catalog file or http(s) URL in uv's format (default: "+catalog.DefaultURL+")")
	out := flag.String("out", filepath.Join("internal", "catalog", "snapshot", "catalog.bin.gz"), "snapshot file to write")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	if src == "" {
		src = catalog.DefaultURL
	}
	data, name, err := read(src)
	if err != nil {
		return err
	}
	c, warnings, err := catalog.Parse(src, data)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(os.Stderr, "skipped:", w)
	}
	snap, err := catalog.EncodeSnapshot(c, name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := fsutil.WriteFile(out, snap, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d builds (%d skipped), newest release %s, %d bytes (from %d bytes of JSON)\n",
		out, len(c.Entries), len(warnings), c.Date(), len(snap), len(data))
	return nil
}

// read returns the catalog's bytes and the name the snapshot records: the
// URL, or a file's base name (where a developer keeps it is no fact about
// the catalog).
func read(src string) ([]byte, string, error) {
	lower := strings.ToLower(src)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, "", err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, "", fmt.Errorf("GET %s: %s", src, resp.Status)
		}
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, "", fmt.Errorf("GET %s: %w", src, err)
		}
		return data, src, nil
	}
	path := src
	if strings.HasPrefix(lower, "file://") {
		u, err := url.Parse(src)
		if err != nil {
			return nil, "", err
		}
		path = filepath.FromSlash(u.Path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	return data, filepath.Base(path), nil
}
