package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/fsutil"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

// errNoMatch: find or uninstall found no installed build for the request.
var errNoMatch = errors.New("no installed python matches")

func (a *app) findCommand() *cobra.Command {
	var showVersion bool
	cmd := &cobra.Command{
		Use:   "find [REQUEST]",
		Short: "Print the path of the best installed interpreter",
		Long: `Print the absolute path of the best installed interpreter matching REQUEST
(with --show-version, its version instead). Without a request: the
.python-version of this folder or a parent, else the nearest pyproject.toml's
[project] requires-python (a PEP 440 specifier set such as ">=3.11"), else
the global pin (pyget pin --global), else the newest installed. Exits 1 when
nothing installed matches.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runFind(cmd.Context(), args, showVersion)
		},
	}
	cmd.Flags().BoolVar(&showVersion, "show-version", false, "print the interpreter's version (e.g. 3.14.6) instead of its path")
	return cmd
}

func (a *app) runFind(_ context.Context, args []string, showVersion bool) error {
	q, err := a.resolver().Requests(args, "default")
	if err != nil {
		return err
	}
	res, _, err := a.resolverFor()
	if err != nil {
		return err
	}
	parsed, err := q.Parse()
	if err != nil {
		return usageError{err}
	}
	// A .python-version may list several versions: the first installed wins.
	if best, ok := res.FirstInstalled(parsed); ok {
		if showVersion {
			fmt.Fprintln(a.stdout, best.Entry.Version())
		} else {
			fmt.Fprintln(a.stdout, best.Executable)
		}
		return nil
	}
	what := strings.Join(q.Args, ", ")
	if q.From != "" {
		what += " (from " + q.From + ")"
	}
	// Name the platform searched: the request's own OS, arch or libc, else
	// this machine's (or --platform's).
	what += " on " + parsed[0].Target(res.Platform)
	return withHint(fmt.Errorf("%w %s", errNoMatch, what),
		fmt.Sprintf("install it with `pyget install %s`", quoteArg(q.Args[0])))
}

type uninstallFlags struct{ all, outdated, dryRun bool }

func (a *app) uninstallCommand() *cobra.Command {
	var f uninstallFlags
	cmd := &cobra.Command{
		Use:   "uninstall REQUEST... | --all | --outdated [REQUEST...]",
		Short: "Remove installed builds, their links and executables",
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.all && (f.outdated || len(args) > 0) || !f.all && !f.outdated && len(args) == 0 {
				return usagef("give requests, --all (alone), or --outdated with or without requests")
			}
			return a.runUninstall(cmd.Context(), args, f)
		},
	}
	cmd.Flags().BoolVar(&f.all, "all", false, "remove every installed build")
	cmd.Flags().BoolVar(&f.outdated, "outdated", false, "remove every patch a newer installed patch of the same minor version supersedes (never one a link leads to)")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "list what would be removed and remove nothing")
	return cmd
}

func (a *app) runUninstall(ctx context.Context, args []string, f uninstallFlags) error {
	layout, installed, err := a.installed()
	if err != nil {
		return err
	}
	in := a.installer(layout, nil, func(s string) { a.info("%s", s) })
	var targets []store.Installation
	switch {
	case f.outdated:
		if targets, err = a.outdatedTargets(in, args); err != nil {
			return err
		}
		if len(targets) == 0 {
			a.info("no installed build is outdated")
			return nil
		}
	case f.all:
		targets = installed
	default:
		reqs, err := parseRequests(args)
		if err != nil {
			return err
		}
		res := a.resolver()
		res.Installed = installed
		targets, err = res.Matching(reqs)
		var ni *pipeline.NoInstallError
		if errors.As(err, &ni) {
			return withHint(fmt.Errorf("%w %s", errNoMatch, ni.Request), "`pyget list --only-installed` shows what is installed")
		}
		if err != nil {
			return err
		}
	}
	if len(targets) == 0 {
		a.info("nothing is installed")
		return nil
	}
	if f.dryRun {
		a.info("Would uninstall %d %s:", len(targets), plural(len(targets), "build", "builds"))
		for _, t := range targets {
			a.info(" - %s", t.Entry.Key)
		}
		return nil
	}
	for _, t := range targets {
		if err := in.Uninstall(ctx, t.Entry.Key); err != nil {
			return failed("Failed to uninstall "+t.Entry.Key, err)
		}
		a.info(" - %s", t.Entry.Key)
	}
	a.info("Uninstalled %d %s", len(targets), plural(len(targets), "build", "builds"))
	return nil
}

func (a *app) dirCommand() *cobra.Command {
	var bin bool
	cmd := &cobra.Command{
		Use:   "dir [--bin]",
		Short: "Print the install directory (or the bin dir)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.layout()
			if err != nil {
				return err
			}
			if bin {
				fmt.Fprintln(a.stdout, l.BinDir)
			} else {
				fmt.Fprintln(a.stdout, l.InstallDir)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&bin, "bin", false, "print the directory executables are linked into")
	return cmd
}

func (a *app) pinCommand() *cobra.Command {
	var resolved, global, rm bool
	cmd := &cobra.Command{
		Use:   "pin [REQUEST]",
		Short: "Write .python-version in this folder (without a request: show the pin)",
		Long: `Validate REQUEST and write it to .python-version in this folder, or with
--global to the global pin, .python-version in pyget's config dir
($XDG_CONFIG_HOME/pyget, default ~/.config/pyget). install, find, run and
upgrade without a request use the nearest .python-version in this folder or
its parents, else the nearest pyproject.toml's [project] requires-python,
else the global pin. --resolved without a request pins the version
requires-python resolves to.

Without a request: print the pin in force (with --global, the global pin).
--rm removes the pin in force (with --global, the global pin).`,
		Example: `  pyget pin 3.13
  pyget pin --global 3.14
  pyget pin --rm --global`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case rm && len(args) > 0:
				return usagef("--rm takes no request")
			case rm && resolved:
				return usagef("--rm and --resolved exclude each other")
			case resolved && len(args) == 0:
				spec, err := a.projectRequiresPython()
				if err != nil {
					return err
				}
				args = []string{spec}
			case rm:
				return a.removePin(global)
			case len(args) == 0:
				return a.showPin(global)
			}
			return a.writePin(cmd.Context(), args[0], global, resolved)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&resolved, "resolved", false, "write the exact version the request resolves to (e.g. 3.14.6): the best installed build, else the catalog's")
	fl.BoolVar(&global, "global", false, "the global pin, used where no .python-version is found ($XDG_CONFIG_HOME/pyget/.python-version)")
	fl.BoolVar(&rm, "rm", false, "remove the pin")
	return cmd
}

// errNoPin: pin found no pin to show or remove.
var errNoPin = errors.New("no .python-version in this folder or its parents")

// pinFile is where pin writes: .python-version here, or the global pin.
func (a *app) pinFile(global bool) (string, error) {
	if !global {
		wd, err := os.Getwd()
		return filepath.Join(wd, pyrequest.PinFile), err
	}
	path, err := a.globalPinFile()
	if err == nil && path == "" {
		err = usagef("no home directory to keep the global pin in: set HOME or XDG_CONFIG_HOME")
	}
	return path, err
}

func (a *app) showPin(global bool) error {
	var reqs []string
	var path string
	var err error
	if global {
		if path, err = a.pinFile(true); err != nil {
			return err
		}
		var found bool
		if reqs, found, err = pyrequest.ReadPin(path); err != nil {
			return err
		}
		if !found {
			return withHint(fmt.Errorf("no global pin (%s)", path), "pin one with `pyget pin --global 3.13`")
		}
	} else {
		if reqs, path, err = (pinFiles{a}).DefaultRequests(); err != nil {
			return err
		}
		if path == "" {
			return withHint(fmt.Errorf("%w, and no global pin", errNoPin), "pin one with `pyget pin 3.13`, or for every folder with `pyget pin --global 3.13`")
		}
		if g, _ := a.globalPinFile(); path == g {
			a.info("the global pin, %s:", path)
		}
	}
	if len(reqs) == 0 {
		return fmt.Errorf("%s names no python version", path)
	}
	fmt.Fprintln(a.stdout, strings.Join(reqs, "\n"))
	return nil
}

func (a *app) writePin(ctx context.Context, arg string, global, resolved bool) error {
	r, err := pyrequest.Parse(arg)
	if err != nil {
		return usageError{err}
	}
	pin := strings.TrimSpace(r.String())
	if resolved {
		if pin, err = a.resolvePin(ctx, r); err != nil {
			return err
		}
	}
	path, err := a.pinFile(global)
	if err != nil {
		return err
	}
	if global {
		// 0700: what the XDG spec asks of the config dirs it creates.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return failed("Failed to pin "+arg, err)
		}
	}
	if err := fsutil.WriteFile(path, []byte(pin+"\n"), 0o644); err != nil {
		return failed("Failed to pin "+arg, err)
	}
	a.info("Pinned %s to %s", path, pin)
	return nil
}

// removePin removes the pin in force here (a .python-version in this folder
// or a parent), or the global pin.
func (a *app) removePin(global bool) error {
	path, err := a.pinFile(global)
	if err != nil {
		return err
	}
	if !global {
		if _, path, err = pyrequest.FindPin(filepath.Dir(path)); err != nil {
			return err
		}
		if path == "" {
			hint := "there is no pin to remove"
			if g, _ := a.globalPinFile(); g != "" {
				if _, found, _ := pyrequest.ReadPin(g); found {
					hint = fmt.Sprintf("the global pin (%s) is removed with `pyget pin --rm --global`", g)
				}
			}
			return withHint(errNoPin, hint)
		}
	}
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if global {
				return fmt.Errorf("no global pin to remove (%s)", path)
			}
			return fmt.Errorf("no pin to remove: %s is gone (removed meanwhile)", path)
		}
		return failed("Failed to remove "+path, err)
	}
	what := "Removed"
	if global {
		what = "Removed the global pin"
	}
	a.info("%s %s", what, path)
	return nil
}

// resolvePin is the exact version r resolves to, as install would choose:
// the best installed build, else the catalog's best download.
func (a *app) resolvePin(ctx context.Context, r pyrequest.Request) (string, error) {
	res, _, err := a.resolverFor()
	if err != nil {
		return "", err
	}
	return res.Exact(ctx, r)
}
