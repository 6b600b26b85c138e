package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

type installFlags struct {
	reinstall bool
	force     bool
	isDefault bool
	noBin     bool
}

func (a *app) installCommand() *cobra.Command {
	var f installFlags
	cmd := &cobra.Command{
		Use:   "install [REQUEST|ARCHIVE...]",
		Short: "Install Python builds",
		Long: `Install the builds matching each request, in parallel. Without a request:
the .python-version of this folder or a parent, else the newest stable CPython.
A path to a local archive (.tar.gz, .tgz, .tar.zst, .tar.zstd, .tzst, .zip)
installs it (verified when the catalog lists its digest). Already installed:
says so, no network.`,
		Example: `  pyget install 3.13
  pyget install 3.12 3.13 3.14t pypy@3.11
  pyget install '>=3.11,<3.13' --default
  pyget install ./cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only.tar.gz`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runInstall(cmd.Context(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.reinstall, "reinstall", false, "install again even if installed (atomic swap)")
	fl.BoolVar(&f.force, "force", false, "replace executables in the bin dir that pyget did not create")
	fl.BoolVar(&f.isDefault, "default", false, "also link python3 and python")
	fl.BoolVar(&f.noBin, "no-bin", false, "link no executables into the bin dir")
	a.addAttestationsFlag(cmd)
	return cmd
}

// job is one thing to install: a request, or a local archive.
type job struct {
	arg     string
	request pyrequest.Request
	archive string
	from    string // .python-version path, when the request came from it
	newest  bool   // no request and no pin: the newest stable, even if an older one is installed
}

func (a *app) runInstall(ctx context.Context, args []string, f installFlags) error {
	reqs, from, err := a.requestsOrPin(args, "default")
	if err != nil {
		return err
	}
	newest := len(args) == 0 && from == ""
	var jobs []job
	for _, arg := range reqs {
		path, err := pipeline.ArchivePath(arg, len(args) > 0)
		if errors.Is(err, pipeline.ErrNoArchive) {
			return usageError{err}
		}
		if err != nil {
			return err
		}
		if path != "" {
			jobs = append(jobs, job{arg: arg, archive: path})
			continue
		}
		r, err := parseRequest(arg, from)
		if err != nil {
			return err
		}
		jobs = append(jobs, job{arg: arg, request: r, from: from, newest: newest})
	}
	plat, layout, installed, err := a.targetInstalled()
	if err != nil {
		return err
	}
	fetcher, err := a.getFetcher()
	if err != nil {
		return err
	}
	ui := newProgressUI(a)
	defer ui.stop()
	a.setEventHandler(ui.event)

	in := a.installer(layout, fetcher, ui.println)
	in.Links = store.LinkOptions{Default: f.isDefault, Force: f.force, NoBin: f.noBin}
	in.Reinstall = f.reinstall
	if err := a.withAttestations(in); err != nil {
		return err
	}

	claim := claims()
	return a.installEach(ui, len(jobs), func(i int) (pipeline.Outcome, error) {
		return a.installJob(ctx, in, jobs[i], plat, installed, f, claim)
	})
}

// claims returns a claim function that is true the first time it sees a
// key, so that a build several jobs resolve to installs once. It is safe for
// concurrent use.
func claims() func(key string) bool {
	seen := map[string]bool{}
	var mu sync.Mutex
	return func(key string) bool {
		mu.Lock()
		defer mu.Unlock()
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
}

// installEach runs n installs at once (one(i) is the i-th; an Outcome
// without an Installation is a duplicate, reported by nobody), stops the
// progress bars, then reports them in order: each outcome, the PATH warning
// once, every failure, the last one returned.
func (a *app) installEach(ui *progressUI, n int, one func(i int) (pipeline.Outcome, error)) error {
	outcomes := make([]pipeline.Outcome, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { outcomes[i], errs[i] = one(i) })
	}
	wg.Wait()
	ui.stop()

	var failures []error
	for i, o := range outcomes {
		if errs[i] != nil {
			failures = append(failures, errs[i])
			continue
		}
		a.report(o)
	}
	a.warnPATH(outcomes)
	return a.lastFailure(failures)
}

// lastFailure prints every failure but the last, which it returns (to be
// printed with the exit code it sets); nil without failures.
func (a *app) lastFailure(failures []error) error {
	if len(failures) == 0 {
		return nil
	}
	for _, e := range failures[:len(failures)-1] {
		printError(a.stderr, e, a.color())
	}
	return failures[len(failures)-1]
}

// installer is the pipeline through which every command that changes
// installs goes; fetcher is nil for those that download nothing. say prints
// a status line. Call it once layout() has checked the environment.
func (a *app) installer(layout store.Layout, fetcher *fetch.Fetcher, say func(string)) *pipeline.Installer {
	return &pipeline.Installer{
		Layout:      layout,
		Fetcher:     fetcher,
		LockTimeout: a.env.LockTimeout,
		Offline:     a.isOffline(),
		OnWait: func(key string) {
			say(fmt.Sprintf("waiting for another pyget to finish %s…", key))
		},
	}
}

func (a *app) installJob(ctx context.Context, in *pipeline.Installer, j job, plat platform.Platform, installed []store.Installation, f installFlags, claim func(string) bool) (pipeline.Outcome, error) {
	if j.archive != "" {
		e, want, err := a.archiveEntry(ctx, j.archive)
		if err != nil {
			return pipeline.Outcome{}, failed("Failed to install "+j.archive, err)
		}
		if !claim(e.Key) {
			return pipeline.Outcome{}, nil
		}
		o, err := in.InstallArchive(ctx, j.archive, e, want)
		if err != nil {
			return o, failed("Failed to install "+e.Key, err)
		}
		return o, nil
	}
	// Satisfied by what is installed: no catalog, no network.
	if !f.reinstall && !j.newest {
		wide := plat.ForInstalled()
		if best := pipeline.BestInstalled(installed, j.request, &wide); len(best) > 0 {
			if !claim(best[0].Entry.Key) {
				return pipeline.Outcome{}, nil
			}
			o, err := in.Relink(ctx, best[0].Entry.Key)
			if errors.Is(err, store.ErrNotInstalled) {
				// Uninstalled meanwhile by another pyget: install it afresh.
				return a.installFresh(ctx, in, j, plat, claim)
			}
			if err != nil {
				return o, failed("Failed to link "+best[0].Entry.Key, err)
			}
			return o, nil
		}
	}
	return a.installFresh(ctx, in, j, plat, claim)
}

func (a *app) installFresh(ctx context.Context, in *pipeline.Installer, j job, plat platform.Platform, claim func(string) bool) (pipeline.Outcome, error) {
	e, err := a.resolveDownload(ctx, j.request, plat)
	if err != nil {
		return pipeline.Outcome{}, failed(fmt.Sprintf("Failed to install %q", j.arg), err)
	}
	return a.installResolved(ctx, in, e, claim)
}

// installResolved installs the catalog entry a request resolved to, unless
// another job of this run claimed it.
func (a *app) installResolved(ctx context.Context, in *pipeline.Installer, e catalog.Entry, claim func(string) bool) (pipeline.Outcome, error) {
	if !claim(e.Key) {
		return pipeline.Outcome{}, nil
	}
	if e.SHA256 == "" {
		a.warn("the catalog has no sha256 for %s: it will not be verified", e.Key)
	}
	o, err := in.InstallEntry(ctx, e)
	if err != nil {
		return o, failed("Failed to install "+e.Key, err)
	}
	return o, nil
}

// archiveEntry names a local archive: the catalog entry whose URL ends in the
// same file name (then its digest is checked), else one derived from the
// python-build-standalone file name (unverified).
func (a *app) archiveEntry(ctx context.Context, path string) (catalog.Entry, string, error) {
	base := catalog.AssetName(path)
	c, err := a.catalog(ctx)
	if err == nil {
		if e, ok := c.EntryForAsset(base); ok {
			return e, e.SHA256, nil
		}
	} else {
		a.debug("warning: %v", err)
	}
	e, perr := catalog.EntryFromAssetName(base)
	if perr != nil {
		return e, "", perr
	}
	a.warn("%s is not in the catalog: installing it as %s without verifying its sha256", base, e.Key)
	return e, "", nil
}

func (a *app) report(o pipeline.Outcome) {
	if o.Installation.Dir == "" { // a duplicate of another job
		return
	}
	e := o.Installation.Entry
	name := implName(e.Name)
	if o.Already {
		a.info("%s %s is already installed (%s)", name, e.Version(), e.Key)
	} else {
		line := fmt.Sprintf("Installed %s %s in %s", name, e.Version(), roundDuration(o.Elapsed))
		if t := o.Transfer; t != nil && t.Faults > 0 {
			line += fmt.Sprintf(" (recovered from %d network %s)", t.Faults, plural(t.Faults, "fault", "faults"))
		} else if t != nil && t.FromCache {
			line += " (from the download cache)"
		}
		a.info("%s", line)
		if t := o.Transfer; a.verbose && t != nil && t.Connections > 0 {
			a.info(" downloaded %s over %d %s", fetch.HumanBytes(t.Size), t.Connections, plural(t.Connections, "connection", "connections"))
		}
		a.reportAttestation(o.Attestation)
	}
	a.info(" + %s", o.Installation.Executable)
	for _, l := range o.Links.Links {
		a.info(" + %s", l)
	}
	for _, s := range o.Links.Skipped {
		a.warn("not replacing %s: pyget did not create it (use --force)", s)
	}
}

// warnPATH says once, for all the builds of one run, that the bin dir is not
// on PATH: update-shell puts it there for new shells, the line given for
// this one.
func (a *app) warnPATH(outcomes []pipeline.Outcome) {
	for _, o := range outcomes {
		if len(o.Links.Links) > 0 && !o.Links.OnPATH {
			dir := filepath.Dir(o.Links.Links[0])
			cmd := "pyget update-shell"
			if a.binDir != "" {
				cmd += " --bin-dir " + quoteArg(dir)
			}
			a.warn("%s is not on your PATH: `%s` puts it there for new shells; in this one:\n  export PATH=\"%s:$PATH\"", dir, cmd, dir)
			return
		}
	}
}

func implName(n string) string {
	switch n {
	case "pypy":
		return "PyPy"
	case "graalpy":
		return "GraalPy"
	}
	return "Python"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
