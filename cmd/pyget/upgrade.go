package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/store"
)

func (a *app) upgradeCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "upgrade [REQUEST...]",
		Short: "Install the newest patch of installed minor versions",
		Long: `For every installed minor version (or those the requests name), install the
newest patch the catalog has of the same implementation, variant and platform,
in parallel, then move the minor-version link and the executables through it
to the new patch: a virtual environment created through python3.X (or the
minor-version folder) runs the new patch without being recreated. The previous
patch stays installed; ` + "`pyget uninstall --outdated`" + ` removes it. A minor version
a request names that is not installed is installed. Requests name minor
versions (3.14, 3.14t, pypy@3.11), never a patch or a pre-release. Without a
request: the minor versions of the .python-version of this folder or a
parent, else those the nearest pyproject.toml's requires-python allows, else
the global pin's, else every installed one. Already on the newest patch: says
so, downloads nothing.`,
		Example: `  pyget upgrade
  pyget upgrade 3.13 3.14t
  pyget upgrade --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runUpgrade(cmd.Context(), args, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would be installed and change nothing")
	a.addAttestationsFlag(cmd)
	a.addFixFlags(cmd)
	return cmd
}

func (a *app) runUpgrade(ctx context.Context, args []string, dryRun bool) error {
	// Without requests, the requests in force (.python-version here or
	// above, else the global pin) say which minor versions to upgrade;
	// without those, every installed one. A pin may name an exact patch
	// (pin --resolved): it selects that patch's minor version.
	q, err := a.resolver().Requests(args, "")
	if err != nil {
		return err
	}
	if _, err := q.Parse(); err != nil {
		return err
	}
	res, layout, err := a.resolverFor()
	if err != nil {
		return err
	}
	if len(q.Args) == 0 && len(res.Installed) == 0 {
		a.info("nothing is installed, so nothing to upgrade; install a python with `pyget install`")
		return nil
	}
	fetcher, err := a.getFetcher()
	if err != nil {
		return err
	}
	run, err := res.PlanUpgrade(ctx, q)
	var pe *pipeline.PatchRequestError
	if errors.As(err, &pe) {
		return withHint(usageError{err}, fmt.Sprintf("`pyget install %s` installs that version", quoteArg(pe.Request)))
	}
	if err != nil {
		return jobFailure(err)
	}
	a.reportPlans(run, dryRun)
	if dryRun {
		return nil
	}

	ui := newProgressUI(a)
	defer ui.stop()
	a.setEventHandler(ui.event)
	in := a.installer(layout, fetcher, ui.println)
	if err := a.withAttestations(in, fetcher); err != nil {
		return err
	}
	var claims pipeline.Claims
	return a.installEach(ui, run.Len(), func(i int) (pipeline.Outcome, error) {
		return in.UpgradeJob(ctx, run, i, &claims)
	})
}

// reportPlans says which groups are on their newest patch already and,
// with dryRun, what would be installed.
func (a *app) reportPlans(run pipeline.UpgradeRun, dryRun bool) {
	for _, p := range run.Plans {
		cur := p.Current.Entry
		switch {
		case !p.Needed():
			a.info("%s %s is already the newest patch (%s)", implName(cur.Name), cur.Version(), cur.Key)
		case dryRun && p.Rebuild():
			a.info("Would upgrade %s %s to its rebuild in release %s (%s, now release %s)", implName(cur.Name), cur.Version(), p.Target.Build, p.Target.Key, cur.Build)
		case dryRun:
			a.info("Would upgrade %s %s to %s (%s)", implName(cur.Name), cur.Version(), p.Target.Version(), p.Target.Key)
		}
	}
	if dryRun {
		for _, j := range run.Fresh {
			a.info("Would install %s %s (%s): no %s is installed", implName(j.Entry.Name), j.Entry.Version(), j.Entry.Key, j.Request.String())
		}
	}
}

// outdatedTargets lists the builds `uninstall --outdated` removes: those a
// newer installed patch of their minor version supersedes and no link leads
// to, only those matching a request when there are requests. It says which
// it keeps because a link still leads to them.
func (a *app) outdatedTargets(in *pipeline.Installer, args []string) ([]store.Installation, error) {
	reqs, err := parseRequests(args)
	if err != nil {
		return nil, err
	}
	outdated, kept, err := in.OutdatedMatching(reqs)
	if err != nil {
		return nil, err
	}
	for _, inst := range kept {
		a.info("keeping %s: a link still leads to it (`pyget upgrade` moves the links to the newest patch)", inst.Entry.Key)
	}
	return outdated, nil
}
