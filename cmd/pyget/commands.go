package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/fsutil"
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
.python-version of this folder or a parent, else the newest installed. Exits 1
when nothing installed matches.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runFind(cmd.Context(), args, showVersion)
		},
	}
	cmd.Flags().BoolVar(&showVersion, "show-version", false, "print the interpreter's version (e.g. 3.14.6) instead of its path")
	return cmd
}

func (a *app) runFind(_ context.Context, args []string, showVersion bool) error {
	reqs, from, err := requestsOrPin(args, "default")
	if err != nil {
		return err
	}
	plat, err := a.target()
	if err != nil {
		return err
	}
	_, all, err := a.installed()
	if err != nil {
		return err
	}
	// A .python-version may list several versions: the first installed wins.
	for _, s := range reqs {
		r, err := parseRequest(s, from)
		if err != nil {
			return err
		}
		wide := installedTarget(plat)
		if best := bestInstalled(all, r, &wide); len(best) > 0 {
			if showVersion {
				fmt.Fprintln(a.stdout, best[0].Entry.Version())
			} else {
				fmt.Fprintln(a.stdout, best[0].Executable)
			}
			return nil
		}
	}
	what := strings.Join(reqs, ", ")
	if from != "" {
		what += " (from " + from + ")"
	}
	return withHint(fmt.Errorf("%w %s", errNoMatch, what),
		fmt.Sprintf("install it with `pyget install %s`", quoteArg(reqs[0])))
}

func (a *app) uninstallCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "uninstall REQUEST... | --all",
		Short: "Remove installed builds, their links and executables",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return usagef("give requests or --all, not both or neither")
			}
			return a.runUninstall(cmd.Context(), args, all)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "remove every installed build")
	return cmd
}

func (a *app) runUninstall(ctx context.Context, args []string, all bool) error {
	layout, installed, err := a.installed()
	if err != nil {
		return err
	}
	var targets []store.Installation
	if all {
		targets = installed
	} else {
		seen := map[string]bool{}
		for _, s := range args {
			r, err := parseRequest(s, "")
			if err != nil {
				return err
			}
			// Every match goes, of every platform unless the request names
			// one, pre-releases too: a user removing 3.13 means all of them.
			var matches []store.Installation
			for _, inst := range installed {
				if r.Matches(inst.Entry, nil) {
					matches = append(matches, inst)
				}
			}
			if len(matches) == 0 {
				return withHint(fmt.Errorf("%w %s", errNoMatch, s), "`pyget list --only-installed` shows what is installed")
			}
			for _, m := range matches {
				if !seen[m.Entry.Key] {
					seen[m.Entry.Key] = true
					targets = append(targets, m)
				}
			}
		}
	}
	if len(targets) == 0 {
		a.info("nothing is installed")
		return nil
	}
	in := a.installer(layout, nil, func(s string) { a.info("%s", s) })
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
	var resolved bool
	cmd := &cobra.Command{
		Use:   "pin [REQUEST]",
		Short: "Write .python-version in this folder (without a request: show the pin)",
		Args:  usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			if len(args) == 0 {
				if resolved {
					return usagef("--resolved needs a request to resolve")
				}
				reqs, path, err := pyrequest.FindPin(wd)
				if err != nil {
					return err
				}
				if path == "" || len(reqs) == 0 {
					return withHint(errors.New("no .python-version in this folder or its parents"), "pin one with `pyget pin 3.13`")
				}
				fmt.Fprintln(a.stdout, strings.Join(reqs, "\n"))
				return nil
			}
			r, err := pyrequest.Parse(args[0])
			if err != nil {
				return usageError{err}
			}
			pin := strings.TrimSpace(r.String())
			if resolved {
				if pin, err = a.resolvePin(cmd.Context(), r); err != nil {
					return err
				}
			}
			path := filepath.Join(wd, pyrequest.PinFile)
			if err := fsutil.WriteFile(path, []byte(pin+"\n"), 0o644); err != nil {
				return failed("Failed to pin "+args[0], err)
			}
			a.info("Pinned %s to %s", path, pin)
			return nil
		},
	}
	cmd.Flags().BoolVar(&resolved, "resolved", false, "write the exact version the request resolves to (e.g. 3.14.6): the best installed build, else the catalog's")
	return cmd
}

// resolvePin is the exact version r resolves to, as install would choose:
// the best installed build, else the catalog's best download.
func (a *app) resolvePin(ctx context.Context, r pyrequest.Request) (string, error) {
	plat, err := a.target()
	if err != nil {
		return "", err
	}
	_, all, err := a.installed()
	if err != nil {
		return "", err
	}
	wide := installedTarget(plat)
	if best := bestInstalled(all, r, &wide); len(best) > 0 {
		return exactRequest(best[0].Entry)
	}
	e, err := a.resolveDownload(ctx, r, plat)
	if err != nil {
		return "", err
	}
	return exactRequest(e)
}
