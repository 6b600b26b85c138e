package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/shellpath"
	"github.com/pyget/pyget/internal/store"
	"github.com/pyget/pyget/internal/trampoline"
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
the .python-version of this folder or a parent, else the nearest
pyproject.toml's [project] requires-python (a PEP 440 specifier set such as
">=3.11": the newest matching installed build, else the newest matching
download), else the global pin (pyget pin --global), else the newest stable
CPython.
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
	fl.BoolVar(&f.isDefault, "default", false, "also link python3 and python (a free-threaded build: python3t and pythont); one request only")
	fl.BoolVar(&f.noBin, "no-bin", false, "link no executables into the bin dir")
	a.addAttestationsFlag(cmd)
	a.addFixFlags(cmd)
	return cmd
}

func (a *app) runInstall(ctx context.Context, args []string, f installFlags) error {
	res := a.resolver()
	jobs, err := res.InstallJobs(args)
	if errors.Is(err, pipeline.ErrNoArchive) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if f.isDefault && len(jobs) > 1 {
		// Which would python3 be? uv refuses too, rather than racing.
		args := make([]string, len(jobs))
		for i, j := range jobs {
			args[i] = j.Arg
		}
		return usagef("--default takes one request, not %d (%s): python3 and python can lead to one build only", len(jobs), strings.Join(args, ", "))
	}
	res, layout, err := a.resolverFor()
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
	if err := a.withAttestations(in, fetcher); err != nil {
		return err
	}
	var claims pipeline.Claims
	return a.installEach(ui, len(jobs), func(i int) (pipeline.Outcome, error) {
		return in.InstallJob(ctx, res, jobs[i], &claims)
	})
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
			failures = append(failures, jobFailure(errs[i]))
			continue
		}
		a.report(o)
	}
	a.warnPATH(outcomes)
	a.warnShims(outcomes)
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
	var transfers pipeline.Fetcher
	if fetcher != nil { // a nil *fetch.Fetcher is no nil interface
		transfers = fetcher
	}
	return &pipeline.Installer{
		Layout:      layout,
		Fetcher:     transfers,
		LockTimeout: a.env.LockTimeout,
		Offline:     a.isOffline(),
		Fix:         a.fixOptions(),
		OnWait: func(key string) {
			say(fmt.Sprintf("waiting for another pyget to finish %s…", key))
		},
		OnNote: func(n pipeline.Note) {
			if n.Detail {
				a.debug("%s", n.Text)
			} else {
				a.warn("%s", n.Text)
			}
		},
	}
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
		a.reportFixes(o.Fixes)
	}
	a.info(" + %s", o.Installation.Executable)
	for _, l := range o.Links.Links {
		a.info(" + %s", l)
	}
	if o.Links.Registered != "" {
		a.info(" + %s", o.Links.Registered)
	}
	if o.Links.RegistryErr != nil {
		a.warn("%v", o.Links.RegistryErr)
	}
	for _, s := range o.Links.Skipped {
		a.warn("not replacing %s: pyget did not create it (use --force)", s)
	}
}

// warnShims says once per run that the commands just placed are .cmd shims
// (Windows without symlinks, no pyget-shim.exe found): cmd.exe runs them
// and parses their arguments.
func (a *app) warnShims(outcomes []pipeline.Outcome) {
	for _, o := range outcomes {
		for _, l := range o.Links.Links {
			if strings.EqualFold(filepath.Ext(l), ".cmd") {
				a.warn("the commands in %s are .cmd shims because %s was not found beside pyget or on PATH: cmd.exe runs them and interprets &, |, %%VAR%% and ^ in their arguments; put %s beside pyget.exe and run the install again",
					filepath.Dir(l), trampoline.TemplateName, trampoline.TemplateName)
				return
			}
		}
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
			a.warn("%s is not on your PATH: `%s` puts it there for new shells; in this one:\n  %s", dir, cmd, shellpath.SessionLine(runtime.GOOS, dir))
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
