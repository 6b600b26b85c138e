package main

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/shellpath"
)

func (a *app) updateShellCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "update-shell",
		Aliases: []string{"ensurepath"}, // pipx's name for it
		Short:   "Put the bin dir on PATH for the shells you open from now on",
		Long: `Put the bin dir (pyget dir --bin) on PATH for the shells you open from now on,
by adding a line to the startup files of your shells: bash's ~/.bashrc and
login file (~/.bash_profile, ~/.bash_login or ~/.profile, whichever bash
reads; ~/.profile when there is none) on Linux always, elsewhere when bash is
your $SHELL or ~/.bashrc exists; zsh's $ZDOTDIR/.zshrc when zsh is your $SHELL
or the file exists; $XDG_CONFIG_HOME/fish/conf.d/pyget.fish when fish is your
$SHELL or fish's config dir exists. On Windows: your Path in the registry
(HKEY_CURRENT_USER\Environment). A file that has the line already is left as
it is, so running it again changes nothing. When the bin dir is on PATH
already (the shell you run it in has it), nothing is changed, as with uv;
--force adds the lines anyway. The shell you run it in is not changed: open a
new one.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error { return a.runUpdateShell(force) },
	}
	cmd.Flags().BoolVar(&force, "force", false, "update the startup files even when the bin dir is on PATH already")
	return cmd
}

func (a *app) runUpdateShell(force bool) error {
	l, err := a.layout()
	if err != nil {
		return err
	}
	if l.OnPATH() && !force {
		a.info("Nothing changed: %s is on PATH already (--force updates the startup files anyway)", l.BinDir)
		return nil
	}
	s, err := a.settings()
	if err != nil {
		return err
	}
	env := shellpath.Env{GOOS: runtime.GOOS, Home: s.Home, Shell: s.LoginShell, ZDotDir: s.ZDotDir, ConfigHome: s.ConfigHome}
	changes, err := shellpath.Update(l.BinDir, env)
	changed := 0
	for _, c := range changes {
		a.info("%s %s (%s)", c.Action, c.Path, c.For)
		if c.Action != shellpath.Unchanged {
			changed++
		}
	}
	switch {
	case errors.Is(err, shellpath.ErrNoShell):
		return withHint(fmt.Errorf("%w: $SHELL is %q, and no bash, zsh or fish configuration is there", err, s.LoginShell),
			fmt.Sprintf("add %s to PATH in your shell's startup file", l.BinDir))
	case err != nil:
		return failed("Failed to put "+l.BinDir+" on PATH", err)
	case changed == 0:
		a.info("Nothing changed: %s is on PATH in new shells already", l.BinDir)
	case runtime.GOOS == "windows":
		a.info("Open a new terminal for %s to be on PATH", l.BinDir)
	default:
		a.info("Open a new shell for %s to be on PATH (in this one: %s)", l.BinDir, shellpath.SessionLine(runtime.GOOS, l.BinDir))
	}
	return nil
}
