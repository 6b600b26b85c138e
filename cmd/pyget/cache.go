package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/attest"
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/pipeline"
)

// pyget cache: the cache folder's size, and pruning or cleaning it. The
// transfer layer owns the folder's layout and does the removing (package
// fetch, cachemgmt.go), never touching a download another pyget is running.

func (a *app) cacheCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show the download cache's folder and size, prune or clean it",
		Long: `The cache folder (PYGET_CACHE_DIR) holds verified archives, partial downloads,
the remote catalog and provenance data. Nothing in it is needed by an installed
build. prune and clean never remove a download another pyget is running.`,
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.cacheDirCommand(), a.cacheSizeCommand(), a.cachePruneCommand(), a.cacheCleanCommand())
	return cmd
}

func (a *app) cacheDirCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "dir",
		Short: "Print the cache folder",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			root, err := a.cacheRoot()
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, root)
			return nil
		},
	}
}

func (a *app) cacheSizeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "size",
		Short: "Show what the archives, partial downloads, catalog and provenance data take",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			f, root, err := a.cacheFetcher()
			if err != nil {
				return err
			}
			u, err := f.Usage(otherCaches(root)...)
			if err != nil {
				return failed("Failed to measure the cache "+root, err)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			row := func(name string, u fetch.Usage) {
				files := fmt.Sprintf("%d %s", u.Files, plural(u.Files, "file", "files"))
				fmt.Fprintf(tw, "%s\t%11s\t%10s\n", name, files, fetch.HumanBytes(u.Bytes))
			}
			row("archives", u.Archives)
			row("partial downloads", u.Partials)
			for _, o := range u.Other {
				row(relName(root, o.Path), o.Usage)
			}
			row("total", u.Total())
			return tw.Flush()
		},
	}
}

func (a *app) cachePruneCommand() *cobra.Command {
	var dryRun bool
	var olderThan time.Duration
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove the archives of builds not installed, and partial downloads untouched for a day",
		Long: `Remove the cached archives of builds that are not installed (in this install
dir), and partial downloads untouched for --older-than (default 24h). A
download another pyget is running is left alone.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if olderThan <= 0 {
				return usagef("--older-than must be positive, e.g. 24h")
			}
			f, root, err := a.cacheFetcher()
			if err != nil {
				return err
			}
			_, installed, err := a.installed()
			if err != nil {
				return err
			}
			res := a.resolver()
			res.Installed = installed
			rep, err := f.Prune(fetch.PruneOptions{
				Keep:          res.KeepArchives(),
				PartialMaxAge: olderThan,
				DryRun:        dryRun,
			})
			return a.cacheResult("prune", rep, err, root, res.ArchiveNames(cmd.Context()), dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be removed and remove nothing")
	cmd.Flags().DurationVar(&olderThan, "older-than", fetch.DefaultPruneAge, "remove partial downloads untouched for this long")
	return cmd
}

func (a *app) cacheCleanCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "clean [REQUEST...]",
		Short: "Remove everything in the cache, or the archives of the builds a request matches",
		Long: `Without a request, remove every archive, partial download, the cached catalog
and provenance data. With requests, remove the cached archives (and partial
downloads) of the builds they match in the catalog, of every platform unless
the request names one. A download another pyget is running is left alone.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, root, err := a.cacheFetcher()
			if err != nil {
				return err
			}
			var rep fetch.CacheReport
			var names map[string]string
			// What is installed names archives and adds digests: without an
			// install dir, the catalog's are enough.
			res := a.resolver()
			_, res.Installed, _ = a.installed()
			if len(args) == 0 {
				names = res.ArchiveNames(cmd.Context())
				rep, err = f.Clean(fetch.CleanOptions{Others: otherCaches(root), DryRun: dryRun})
			} else {
				var shas []string
				if shas, names, err = a.requestDigests(cmd.Context(), args); err != nil {
					return err
				}
				rep, err = f.Remove(shas, dryRun)
			}
			return a.cacheResult("clean", rep, err, root, names, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be removed and remove nothing")
	return cmd
}

// cacheFetcher is the transfer layer, which manages the cache, and the
// cache folder.
func (a *app) cacheFetcher() (*fetch.Fetcher, string, error) {
	f, err := a.getFetcher()
	if err != nil {
		return nil, "", err
	}
	root, err := a.cacheRoot()
	return f, root, err
}

// otherCaches are the caches in the cache folder besides the transfer
// layer's: the catalog's, and the provenance checks' (verified attestation
// bundles and Sigstore's TUF metadata, named in internal/attest).
func otherCaches(root string) []string {
	return append([]string{catalog.CacheDir(root)}, attest.CacheDirs(root)...)
}

func relName(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return p
}

// requestDigests are the sha256s of the builds the requests match, of
// every platform unless a request names one, in the catalog and installed
// (pipeline.Resolver.Digests); names maps them to build keys. A request
// matching no build at all is an error.
func (a *app) requestDigests(ctx context.Context, args []string) (shas []string, names map[string]string, err error) {
	reqs, err := parseRequests(args)
	if err != nil {
		return nil, nil, err
	}
	shas, names, err = a.resolver().Digests(ctx, reqs)
	var nb *pipeline.NoBuildError
	if errors.As(err, &nb) {
		return nil, nil, withHint(err,
			fmt.Sprintf("`pyget list %s --all-platforms` shows the builds the catalog has", quoteArg(nb.Request)))
	}
	return shas, names, err
}

// cacheResult reports a prune or clean (what) and its error: the report
// unless the error came before anything was done, then the error.
func (a *app) cacheResult(what string, rep fetch.CacheReport, err error, root string, names map[string]string, dryRun bool) error {
	if err == nil || len(rep.Removed)+len(rep.Busy) > 0 {
		a.printCacheReport(rep, root, names, dryRun)
	}
	if err != nil {
		return failed("Failed to "+what+" the cache", err)
	}
	return nil
}

// printCacheReport says what was removed (would be, with dryRun) and what
// a running download kept.
func (a *app) printCacheReport(rep fetch.CacheReport, root string, names map[string]string, dryRun bool) {
	verb := "Removed"
	if dryRun {
		verb = "Would remove"
	}
	describe := func(it fetch.CacheItem) string {
		switch it.Kind {
		case fetch.ItemArchive:
			return "archive " + itemName(it.Name, names)
		case fetch.ItemPartial:
			return "partial download " + itemName(it.Name, names)
		}
		return relName(root, it.Name)
	}
	for _, it := range rep.Removed {
		a.info("%s %s (%s)", verb, describe(it), fetch.HumanBytes(it.Bytes))
	}
	for _, it := range rep.Busy {
		a.info("Kept %s: another pyget is downloading it", describe(it))
	}
	freed := rep.Freed()
	switch {
	case len(rep.Removed) == 0 && len(rep.Busy) == 0:
		a.info("Nothing to remove")
	case dryRun:
		a.info("Would free %s (%d %s)", fetch.HumanBytes(freed.Bytes), freed.Files, plural(freed.Files, "file", "files"))
	default:
		a.info("Freed %s (%d %s)", fetch.HumanBytes(freed.Bytes), freed.Files, plural(freed.Files, "file", "files"))
	}
}

// itemName is the build key a digest belongs to; a digest no build is
// known for, or a url-<hash> key, as it is.
func itemName(key string, names map[string]string) string {
	if n, ok := names[key]; ok {
		return n
	}
	return key
}
