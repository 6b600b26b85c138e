package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pyget/pyget/internal/config"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/store"
)

// app holds what every command shares: flags, environment, output.
type app struct {
	stdout, stderr io.Writer

	// env is the environment's settings; envErr says what is wrong with it
	// (a usage error once a command needs them).
	env    config.Settings
	envErr error

	// flags (the environment fills the defaults; flags win)
	installDir    string
	binDir        string
	cacheDir      string
	downloadsJSON string
	mirrors       []string
	pypyMirrors   []string // --pypy-mirror
	graalMirrors  []string // --graalpy-mirror
	offline       bool
	noProgress    bool
	noRegistry    bool
	quiet         bool
	verbose       bool
	platformFlag  string
	archFlag      string
	attestations  string // --attestations (install, upgrade, mirror)
	fix           fixFlags

	fetcher *fetch.Fetcher
	res     *pipeline.Resolver

	eventMu sync.Mutex
	onEvent func(fetch.Event)
}

// setEventHandler routes transfer events (progress, recovered faults) to h.
func (a *app) setEventHandler(h func(fetch.Event)) {
	a.eventMu.Lock()
	a.onEvent = h
	a.eventMu.Unlock()
}

func (a *app) dispatch(e fetch.Event) {
	a.eventMu.Lock()
	h := a.onEvent
	a.eventMu.Unlock()
	if h != nil {
		h(e)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	a.env, a.envErr = loadSettings()
	if a.env.CPUProfile != "" {
		defer startProfile(a.env.CPUProfile, stderr)()
	}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("%w: %w", context.Canceled, err)
	}
	if err != nil {
		printError(stderr, err, a.color())
	}
	return exitCode(err)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "pyget",
		Short: "Install and manage standalone CPython builds",
		Long: `pyget installs python-build-standalone's CPython builds (and PyPy, GraalPy)
into a managed folder and links python3.X into your bin dir. Downloads survive
transient network faults: the whole stream is retried and resumed with HTTP Range.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),

		// Runnable with no arguments, so that cobra hands an unknown command
		// to Args rather than guessing from its error text.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	// pyget <version>, then the catalog snapshot built in: its date says how
	// current a run without the remote catalog can be.
	cobra.AddTemplateFunc("attestHelper", a.attestHelperVersion)
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n{{attestHelper}}")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.installDir, "install-dir", "", "where builds live (env PYGET_INSTALL_DIR)")
	pf.StringVar(&a.binDir, "bin-dir", "", "where executables are linked (env PYGET_BIN_DIR)")
	pf.StringVar(&a.cacheDir, "cache-dir", "", "downloads and catalog cache (env PYGET_CACHE_DIR)")
	pf.StringVar(&a.downloadsJSON, "downloads-json", "", "catalog file or URL in uv's download-metadata format (env PYGET_DOWNLOADS_JSON)")
	pf.StringArrayVar(&a.mirrors, "mirror", nil, "base URL replacing the python-build-standalone release prefix; repeatable, tried in order (env PYGET_MIRROR)")
	pf.StringArrayVar(&a.pypyMirrors, "pypy-mirror", nil, "base URL replacing https://downloads.python.org/pypy for PyPy downloads; repeatable (env PYGET_PYPY_MIRROR)")
	pf.StringArrayVar(&a.graalMirrors, "graalpy-mirror", nil, "base URL replacing https://github.com/oracle/graalpython/releases/download for GraalPy downloads; repeatable (env PYGET_GRAALPY_MIRROR)")
	pf.BoolVar(&a.offline, "offline", false, "use only cached data (env PYGET_OFFLINE=1)")
	pf.BoolVar(&a.noProgress, "no-progress", false, "no progress bars (env PYGET_NO_PROGRESS=1)")
	pf.BoolVar(&a.noRegistry, "no-registry", false, "Windows: register no build in the registry for the py launcher and IDEs (PEP 514; env PYGET_NO_REGISTRY=1)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print only errors")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "print each recovered fault and catalog warning")
	pf.StringVar(&a.platformFlag, "platform", "", "target platform, e.g. linux-aarch64-musl (default: this machine)")
	pf.StringVar(&a.archFlag, "arch", "", "architecture: auto (best x86-64 level of this CPU), x86_64_v3, aarch64... (env PYGET_ARCH)")

	root.AddCommand(a.installCommand(), a.upgradeCommand(), a.listCommand(), a.findCommand(), a.uninstallCommand(), a.dirCommand(), a.pinCommand(), a.updateShellCommand(), a.mirrorCommand(), a.cacheCommand(), a.configCommand(), a.runCommand())
	return root
}

// unknownCommand rejects arguments to pyget itself: the first names a
// command pyget does not have.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n"
		for _, name := range s {
			msg += "\t" + name + "\n"
		}
	}
	return usageError{errors.New(msg)}
}

// settings are the environment's settings, or the usage error saying which
// variables are wrong.
func (a *app) settings() (config.Settings, error) {
	if a.envErr != nil {
		return a.env, usageError{a.envErr}
	}
	return a.env, nil
}

func (a *app) color() bool {
	if a.env.NoColor {
		return false
	}
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (a *app) progressEnabled() bool {
	if a.noProgress || a.quiet || a.env.NoProgress {
		return false
	}
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (a *app) isOffline() bool { return a.offline || a.env.Offline }

// info prints a status line unless -q.
func (a *app) info(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

func (a *app) debug(format string, args ...any) {
	if a.verbose {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

func (a *app) warn(format string, args ...any) {
	if a.quiet {
		return
	}
	fmt.Fprintf(a.stderr, label("warning", false)+": "+format+"\n", args...)
}

func (a *app) layout() (store.Layout, error) {
	s, err := a.settings()
	if err != nil {
		return store.Layout{}, err
	}
	l := store.Layout{PathEnv: s.Path, NoRegistry: a.noRegistry || s.NoRegistry}
	if l.InstallDir, err = chooseDir(a.installDir, "--install-dir", s.InstallDir, "PYGET_INSTALL_DIR"); err != nil {
		return l, err
	}
	if l.BinDir, err = chooseDir(a.binDir, "--bin-dir", s.BinDir, "PYGET_BIN_DIR"); err != nil {
		return l, err
	}
	return l, nil
}

// chooseDir is a directory from its flag, else from the environment's
// settings (absolute already; "" when there is no home directory to put it
// in).
func chooseDir(flag, flagName, fromEnv, variable string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if fromEnv == "" {
		return "", fmt.Errorf("no home directory to find the default of %s in: set %s or use %s", flagName, variable, flagName)
	}
	return fromEnv, nil
}

// targetInstalled is the target platform, the layout and the complete
// installs in it.
func (a *app) targetInstalled() (platform.Platform, store.Layout, []store.Installation, error) {
	plat, err := a.target()
	if err != nil {
		return plat, store.Layout{}, nil, err
	}
	l, all, err := a.installed()
	return plat, l, all, err
}

// installed returns the layout and the complete installs in it.
func (a *app) installed() (store.Layout, []store.Installation, error) {
	l, err := a.layout()
	if err != nil {
		return l, nil, err
	}
	all, err := l.Installed()
	return l, all, err
}

func (a *app) cacheRoot() (string, error) {
	s, err := a.settings()
	if err != nil {
		return "", err
	}
	return chooseDir(a.cacheDir, "--cache-dir", s.CacheDir, "PYGET_CACHE_DIR")
}

// target is the platform builds are chosen for.
func (a *app) target() (platform.Platform, error) {
	p := platform.Detect()
	if a.platformFlag != "" {
		var err error
		if p, err = platform.Parse(a.platformFlag); err != nil {
			return p, usageError{fmt.Errorf("--platform: %w", err)}
		}
	}
	return a.withArch(p)
}

// withArch applies --arch, else PYGET_ARCH, to p.
func (a *app) withArch(p platform.Platform) (platform.Platform, error) {
	s, err := a.settings()
	if err != nil {
		return p, err
	}
	arch, from := a.archFlag, "--arch"
	if arch == "" {
		arch, from = s.Arch, "PYGET_ARCH"
	}
	if arch != "" {
		var err error
		if p, err = p.WithArch(arch); err != nil {
			return p, usageError{fmt.Errorf("%s: %w", from, err)}
		}
	}
	return p, nil
}

// usageArgs marks cobra's argument-count errors as usage errors (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// getFetcher builds the transfer layer once, from the environment and flags.
func (a *app) getFetcher() (*fetch.Fetcher, error) {
	if a.fetcher != nil {
		return a.fetcher, nil
	}
	cfg, err := a.fetchConfig()
	if err != nil {
		return nil, err
	}
	cfg.OnEvent = a.dispatch
	f, err := fetch.New(cfg)
	if err != nil {
		// Only the mirrors can make New fail: the rest is checked already.
		switch {
		case len(a.mirrors) > 0:
			err = fmt.Errorf("--mirror: %w", err)
		case len(cfg.Mirrors) > 0:
			err = fmt.Errorf("PYGET_MIRROR: %w", err)
		}
		return nil, usageError{err}
	}
	a.fetcher = f
	return f, nil
}

// fetchConfig is the transfer configuration from the environment and the
// flags: the one place that builds a fetch.Config.
func (a *app) fetchConfig() (fetch.Config, error) {
	s, err := a.settings()
	if err != nil {
		return fetch.Config{}, err
	}
	cache, err := a.cacheRoot()
	if err != nil {
		return fetch.Config{}, err
	}
	cfg := fetch.DefaultConfig(cache)
	cfg.Mirrors, cfg.Retries, cfg.IdleTimeout = s.Mirrors, s.HTTPRetries, s.HTTPTimeout
	cfg.Connections = s.Connections
	cfg.Netrc = s.NetrcFile() // logins for private mirrors
	if len(a.mirrors) > 0 {
		cfg.Mirrors = a.mirrors
	}
	cfg.PyPyMirrors, cfg.GraalPyMirrors = s.PyPyMirrors, s.GraalPyMirrors
	if len(a.pypyMirrors) > 0 {
		cfg.PyPyMirrors = a.pypyMirrors
	}
	if len(a.graalMirrors) > 0 {
		cfg.GraalPyMirrors = a.graalMirrors
	}
	return cfg, nil
}

// resolver is the run's one resolver: the catalog (loaded when first
// needed), the release restriction and the pins in force. Commands give it
// the target platform and the installed builds they consider.
func (a *app) resolver() *pipeline.Resolver {
	if a.res == nil {
		a.res = &pipeline.Resolver{
			Catalog: &catalogLoader{a: a},
			Offline: a.isOffline(),
			Release: a.env.CPythonBuild,
			// PYGET_PYPY_BUILD, PYGET_GRAALPY_BUILD
			PyPyRelease:    a.env.PyPyBuild,
			GraalPyRelease: a.env.GraalPyBuild,
			Defaults:       pinFiles{a},
		}
	}
	return a.res
}

// resolverFor is the resolver with the target platform and the complete
// installs set, and the layout they are in.
func (a *app) resolverFor() (*pipeline.Resolver, store.Layout, error) {
	plat, layout, installed, err := a.targetInstalled()
	if err != nil {
		return nil, layout, err
	}
	res := a.resolver()
	res.Platform, res.Installed = plat, installed
	return res, layout, nil
}
