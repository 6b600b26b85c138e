package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/mirror"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/platform"
)

type mirrorFlags struct {
	listFlags
	platforms []string
	prune     bool
	check     bool
	jobs      int
}

func (a *app) mirrorCommand() *cobra.Command {
	var f mirrorFlags
	cmd := &cobra.Command{
		Use:   "mirror DIR [REQUEST...]",
		Short: "Copy builds into a folder that serves as a mirror",
		Long: `Download the builds that ` + "`pyget list`" + ` would show for the requests (by default
the newest patch of each minor version for this platform) into DIR, laid out
as python-build-standalone's releases are: DIR/<release>/<asset>, with a
SHA256SUMS in each release folder and DIR/download-metadata.json, the catalog
of exactly the mirrored builds. Served at BASE (any web server, a bucket, or
file://), clients need only:

  PYGET_MIRROR=BASE PYGET_DOWNLOADS_JSON=BASE/download-metadata.json

Each archive's Sigstore attestation bundle is stored beside it
(<asset>.sigstore.json), so that installs from the mirror verify provenance
without reaching GitHub (--attestations: auto stores what it can get, require
fails an archive without one, off stores none).

A second run downloads only what is missing or damaged and adds new builds to
the catalog; --prune removes builds no longer selected (and their bundles);
--check verifies every archive and bundle and changes nothing. Only CPython is
mirrored (PyPy and GraalPy
are published elsewhere).`,
		Example: `  pyget mirror /srv/python
  pyget mirror /srv/python 3.12 3.13 3.14 --platform linux-x86_64-gnu --platform linux-aarch64-gnu
  pyget mirror /srv/python --all-platforms --prune
  pyget mirror /srv/python --check`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.check {
				if len(args) > 1 || f.prune || len(f.platforms) > 0 || f.allPlatforms || f.allArches || f.allVersions {
					return usagef("--check takes only DIR: it checks what the mirror's catalog lists")
				}
				return a.runMirrorCheck(cmd.Context(), args[0])
			}
			if f.allPlatforms && len(f.platforms) > 0 {
				return usagef("--all-platforms and --platform exclude each other")
			}
			if f.jobs < 1 {
				return usagef("--jobs %d: want 1 or more", f.jobs)
			}
			return a.runMirror(cmd.Context(), args[0], args[1:], f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.platforms, "platform", nil, "a platform to mirror, e.g. linux-aarch64-gnu; repeatable (default: this machine); --arch and PYGET_ARCH apply to each")
	fl.BoolVar(&f.allVersions, "all-versions", false, "every patch version, not only the newest of each minor")
	fl.BoolVar(&f.allPlatforms, "all-platforms", false, "builds for every platform")
	fl.BoolVar(&f.allArches, "all-arches", false, "builds for every architecture of each platform's OS")
	fl.BoolVar(&f.prune, "prune", false, "remove builds this run does not select")
	fl.BoolVar(&f.check, "check", false, "verify every archive against the catalog and SHA256SUMS; change nothing")
	fl.IntVarP(&f.jobs, "jobs", "j", 4, "downloads at once")
	a.addAttestationsFlag(cmd)
	return cmd
}

func (a *app) runMirror(ctx context.Context, dir string, args []string, f mirrorFlags) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	builds, err := a.mirrorSelection(ctx, args, f)
	if err != nil {
		return err
	}
	fetcher, err := a.getFetcher()
	if err != nil {
		return err
	}
	bundles, err := a.mirrorBundles()
	if err != nil {
		return err
	}
	ui := newProgressUI(a)
	defer ui.stop()
	a.setEventHandler(ui.event)
	m := &mirror.Mirror{
		Bundles: bundles,
		Dir:     dir, Fetcher: fetcher, Jobs: f.jobs, LockTimeout: a.env.LockTimeout,
		OnWait: func() { ui.println("waiting for another pyget working on " + dir + "…") },
		OnFile: func(o mirror.FileOutcome) { a.reportMirrorFile(ui, o) },
	}
	rep, serr := m.Sync(ctx, builds, f.prune)
	ui.stop()
	return a.reportMirror(dir, rep, serr, f.prune)
}

// mirrorSelection is what the requests select on the platforms the flags
// name (pipeline.Resolver.MirrorSelection): its builds from the hosts
// mirrors replace, having said which others it leaves out.
func (a *app) mirrorSelection(ctx context.Context, args []string, f mirrorFlags) ([]catalog.Entry, error) {
	reqs, err := parseRequests(args)
	if err != nil {
		return nil, err
	}
	plats, err := a.mirrorPlatforms(f.platforms)
	if err != nil {
		return nil, err
	}
	builds, others, err := a.resolver().MirrorSelection(ctx, reqs, plats, f.listing())
	var nb *pipeline.NoMirrorBuildError
	if errors.As(err, &nb) {
		return nil, withHint(err, "`pyget list "+quoteArg(nb.Request)+" --all-platforms --all-versions` shows the builds the catalog has")
	}
	if err != nil {
		return nil, err
	}
	if len(others) > 0 {
		a.info("Leaving out %d %s (%s): only CPython, PyPy and GraalPy builds from their usual hosts are mirrored",
			len(others), plural(len(others), "build", "builds"), strings.Join(others, ", "))
	}
	if len(builds) == 0 && !f.prune {
		return nil, errors.New("no build selected: nothing to mirror")
	}
	return builds, nil
}

// mirrorPlatforms are the platforms --platform names (each with --arch or
// PYGET_ARCH applied), else the target platform.
func (a *app) mirrorPlatforms(names []string) ([]platform.Platform, error) {
	if len(names) == 0 {
		p, err := a.target()
		if err != nil {
			return nil, err
		}
		return []platform.Platform{p}, nil
	}
	var plats []platform.Platform
	for _, s := range names {
		p, err := platform.Parse(s)
		if err != nil {
			return nil, usageError{fmt.Errorf("--platform: %w", err)}
		}
		if p, err = a.withArch(p); err != nil {
			return nil, err
		}
		plats = append(plats, p)
	}
	return plats, nil
}

// reportMirrorFile says what happened to one archive, as it happens.
func (a *app) reportMirrorFile(ui *progressUI, o mirror.FileOutcome) {
	if o.BundleWarning != "" {
		ui.println(label("warning", false) + ": " + o.BundleWarning)
	}
	if o.BundleStored && a.verbose {
		ui.println("Stored   " + o.RelPath + mirror.BundleSuffix)
	}
	switch o.State {
	case mirror.Downloaded, mirror.Repaired:
		line := "Mirrored " + o.RelPath
		if o.State == mirror.Repaired {
			line = "Repaired " + o.RelPath
		}
		if t := o.Transfer; t != nil && t.FromCache {
			line += " (from the download cache)"
		} else if t != nil && t.Faults > 0 {
			line += fmt.Sprintf(" (recovered from %d network %s)", t.Faults, plural(t.Faults, "fault", "faults"))
		}
		ui.println(line)
	case mirror.Present:
		if a.verbose {
			ui.println("Present  " + o.RelPath)
		}
	}
}

// reportMirror sums up a Sync: what was removed, skipped and failed, and
// the counts; the last failure is returned.
func (a *app) reportMirror(dir string, rep mirror.Report, serr error, prune bool) error {
	counts := map[mirror.State]int{}
	for _, o := range rep.Files {
		counts[o.State]++
		if o.State == mirror.Removed {
			a.info("Removed %s", o.RelPath)
		}
	}
	for _, e := range rep.Skipped {
		a.warn("not mirroring %s: its URL is not a python-build-standalone release asset, or the catalog has no sha256 for it", e.Key)
	}
	var failures []error
	for _, o := range rep.Failed() {
		failures = append(failures, failed("Failed to mirror "+o.Entry.Key, o.Err))
	}
	if serr != nil && len(failures) == 0 {
		return serr
	}
	summary := fmt.Sprintf("Mirror %s: %d downloaded, %d repaired, %d already there", dir, counts[mirror.Downloaded], counts[mirror.Repaired], counts[mirror.Present])
	if prune {
		summary += fmt.Sprintf(", %d removed", counts[mirror.Removed])
	}
	if n := counts[mirror.Failed]; n > 0 {
		summary += fmt.Sprintf(", %d failed", n)
	}
	a.info("%s; %d %s in %s", summary, rep.Entries, plural(rep.Entries, "build", "builds"), filepath.Join(dir, mirror.CatalogFile))
	return a.lastFailure(failures)
}

func (a *app) runMirrorCheck(ctx context.Context, dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	bundles, err := a.mirrorBundles()
	if err != nil {
		return err
	}
	problems, n, err := (&mirror.Mirror{Dir: dir, Bundles: bundles}).Check(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(a.stdout, p.String())
	}
	if len(problems) > 0 {
		return withHint(fmt.Errorf("%d %s in the mirror %s", len(problems), plural(len(problems), "problem", "problems"), dir),
			"`pyget mirror "+quoteArg(dir)+"` fetches what is missing or damaged")
	}
	a.info("Mirror %s: all %d %s verified", dir, n, plural(n, "archive", "archives"))
	return nil
}
