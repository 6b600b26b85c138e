package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/pyrequest"
)

type listFlags struct {
	allVersions   bool
	allPlatforms  bool
	allArches     bool
	onlyInstalled bool
	onlyDownloads bool
	showURLs      bool
	format        string
}

func (a *app) listCommand() *cobra.Command {
	var f listFlags
	cmd := &cobra.Command{
		Use:   "list [REQUEST]",
		Short: "List installed builds and available downloads",
		Long: `List installed builds and the downloads available for this platform, newest
first: by default the newest patch of each minor version.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.onlyInstalled && f.onlyDownloads {
				return usagef("--only-installed and --only-downloads exclude each other")
			}
			if f.format != "text" && f.format != "json" {
				return usagef("--output-format %q: want text or json", f.format)
			}
			return a.runList(cmd.Context(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.allVersions, "all-versions", false, "every patch version, not only the newest of each minor")
	fl.BoolVar(&f.allPlatforms, "all-platforms", false, "builds for every platform")
	fl.BoolVar(&f.allArches, "all-arches", false, "builds for every architecture of this OS")
	fl.BoolVar(&f.onlyInstalled, "only-installed", false, "installed builds only (no catalog needed)")
	fl.BoolVar(&f.onlyDownloads, "only-downloads", false, "available downloads only")
	fl.BoolVar(&f.showURLs, "show-urls", false, "show download URLs")
	fl.StringVar(&f.format, "output-format", "text", "text or json")
	return cmd
}

// listRow is one line of `pyget list`, with uv's JSON field names.
type listRow struct {
	Key            string       `json:"key"`
	Version        string       `json:"version"`
	VersionParts   versionParts `json:"version_parts"`
	Implementation string       `json:"implementation"`
	OS             string       `json:"os"`
	Arch           string       `json:"arch"`
	Libc           string       `json:"libc"`
	Variant        string       `json:"variant"`
	Path           *string      `json:"path"`
	Symlink        *string      `json:"symlink"`
	URL            *string      `json:"url"`

	entry catalog.Entry
	dir   string // the install's folder, when installed
}

type versionParts struct {
	Major int `json:"major"`
	Minor int `json:"minor"`
	Patch int `json:"patch"`
}

func newRow(e catalog.Entry) listRow {
	variant := e.Variant
	if variant == "" {
		variant = "default"
	}
	return listRow{
		Key: e.Key, Version: e.Version(),
		VersionParts:   versionParts{e.Major, e.Minor, e.Patch},
		Implementation: e.Name, OS: e.OS, Arch: e.Arch.String(), Libc: e.Libc,
		Variant: variant,
	}
}

func (a *app) runList(ctx context.Context, args []string, f listFlags) error {
	var req *pyrequest.Request
	if len(args) == 1 {
		reqs, err := parseRequests(args)
		if err != nil {
			return err
		}
		req = &reqs[0]
	}
	plat, err := a.target()
	if err != nil {
		return err
	}
	res := a.resolver()
	var links map[string]string
	if !f.onlyDownloads {
		layout, all, err := a.installed()
		if err != nil {
			return err
		}
		res.Installed, links = all, layout.BinLinks()
	}
	listed, err := res.List(ctx, req, plat, f.listing(), f.shown())
	if err != nil {
		return err
	}
	var rows []listRow
	for _, b := range listed {
		row := newRow(b.Entry)
		if inst := b.Installed; inst != nil {
			p := inst.Executable
			row.Path = &p
			row.dir = inst.Dir
			if l, ok := links[inst.Entry.Key]; ok {
				row.Symlink = &l
			}
		} else {
			u := b.Entry.URL
			row.URL = &u
		}
		rows = append(rows, row)
	}
	if f.format == "json" {
		if rows == nil {
			rows = []listRow{}
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 4, ' ', 0)
	for _, r := range rows {
		switch {
		case r.Path != nil && r.Symlink != nil:
			fmt.Fprintf(tw, "%s\t%s -> %s\n", r.Key, *r.Symlink, *r.Path)
		case r.Path != nil:
			fmt.Fprintf(tw, "%s\t%s\n", r.Key, *r.Path)
		case f.showURLs:
			fmt.Fprintf(tw, "%s\t%s\n", r.Key, *r.URL)
		default:
			fmt.Fprintf(tw, "%s\t<download available>\n", r.Key)
		}
		if a.verbose && r.dir != "" {
			listFixes(tw, r.dir)
		}
	}
	return tw.Flush()
}

// shown is which builds f's --only-* flags show.
func (f listFlags) shown() pipeline.Shown {
	switch {
	case f.onlyInstalled:
		return pipeline.OnlyInstalled
	case f.onlyDownloads:
		return pipeline.OnlyDownloads
	}
	return pipeline.InstalledAndDownloads
}

// listing is how far f's --all-* flags widen a listing of downloads.
func (f listFlags) listing() pipeline.Listing {
	return pipeline.Listing{Scope: f.scope(), AllVersions: f.allVersions}
}

// scope is how far f's --all-* flags widen a listing.
func (f listFlags) scope() pyrequest.Scope {
	switch {
	case f.allPlatforms:
		return pyrequest.AllPlatforms
	case f.allArches:
		return pyrequest.AllArches
	}
	return pyrequest.ThisPlatform
}
