package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/store"
)

// app holds what every command shares: flags, environment, output.
type app struct {
	stdout, stderr io.Writer

	// flags (the environment fills the defaults; flags win)
	installDir    string
	binDir        string
	cacheDir      string
	downloadsJSON string
	mirrors       []string
	offline       bool
	noProgress    bool
	quiet         bool
	verbose       bool
	platformFlag  string
	archFlag      string

	catalogOnce sync.Once
	catalogVal  *catalog.Catalog
	catalogErr  error
	fetcher     *fetch.Fetcher
	loader      *catalog.Loader

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
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = usageError{err}
	}
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
	}
	// pyget <version>, then the catalog snapshot built in: its date says how
	// current a run without the remote catalog can be.
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.installDir, "install-dir", "", "where builds live (env PYGET_INSTALL_DIR)")
	pf.StringVar(&a.binDir, "bin-dir", "", "where executables are linked (env PYGET_BIN_DIR)")
	pf.StringVar(&a.cacheDir, "cache-dir", "", "downloads and catalog cache (env PYGET_CACHE_DIR)")
	pf.StringVar(&a.downloadsJSON, "downloads-json", "", "catalog file or URL in uv's download-metadata format (env PYGET_DOWNLOADS_JSON)")
	pf.StringArrayVar(&a.mirrors, "mirror", nil, "base URL replacing the python-build-standalone release prefix; repeatable, tried in order (env PYGET_MIRROR)")
	pf.BoolVar(&a.offline, "offline", false, "use only cached data (env PYGET_OFFLINE=1)")
	pf.BoolVar(&a.noProgress, "no-progress", false, "no progress bars (env PYGET_NO_PROGRESS=1)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print only errors")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "print each recovered fault and catalog warning")
	pf.StringVar(&a.platformFlag, "platform", "", "target platform, e.g. linux-aarch64-musl (default: this machine)")
	pf.StringVar(&a.archFlag, "arch", "", "architecture: auto (best x86-64 level of this CPU), x86_64_v3, aarch64... (env PYGET_ARCH)")

	root.AddCommand(a.installCommand(), a.listCommand(), a.findCommand(), a.uninstallCommand(), a.dirCommand(), a.pinCommand())
	return root
}

func (a *app) color() bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (a *app) progressEnabled() bool {
	if a.noProgress || a.quiet || envBool("PYGET_NO_PROGRESS") {
		return false
	}
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (a *app) isOffline() bool { return a.offline || envBool("PYGET_OFFLINE") }

func envBool(name string) bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv(name)))
	return v != "" && v != "0" && v != "false" && v != "no"
}

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
	l, err := store.DefaultLayout()
	if err != nil {
		return l, err
	}
	if a.installDir != "" {
		l.InstallDir = a.installDir
	}
	if a.binDir != "" {
		l.BinDir = a.binDir
	}
	if l.InstallDir, err = filepath.Abs(l.InstallDir); err != nil {
		return l, err
	}
	if l.BinDir, err = filepath.Abs(l.BinDir); err != nil {
		return l, err
	}
	return l, nil
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
	if a.cacheDir != "" {
		return filepath.Abs(a.cacheDir)
	}
	if d := os.Getenv("PYGET_CACHE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "pyget"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache dir: set PYGET_CACHE_DIR: %w", err)
	}
	return filepath.Join(d, "pyget"), nil
}

func (a *app) lockTimeout() (time.Duration, error) {
	v := os.Getenv("PYGET_LOCK_TIMEOUT")
	if v == "" {
		return 10 * time.Minute, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || secs < 0 {
		return 0, usagef("PYGET_LOCK_TIMEOUT=%q: want a number of seconds", v)
	}
	return time.Duration(secs * float64(time.Second)), nil
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
	arch, from := a.archFlag, "--arch"
	if arch == "" {
		arch, from = os.Getenv("PYGET_ARCH"), "PYGET_ARCH"
	}
	if arch != "" {
		var err error
		if p, err = p.WithArch(arch); err != nil {
			return p, usageError{fmt.Errorf("%s: %w", from, err)}
		}
	}
	return p, nil
}

// installedTarget widens p for matching installed builds: a build of any
// x86-64 level this CPU runs counts (one installed with --arch auto must not
// vanish from find and list run without it), unless a level was pinned.
func installedTarget(p platform.Platform) platform.Platform {
	if p.Arch == "x86_64" && p.Level == "" && !p.AutoLevel {
		if auto, err := p.WithArch("auto"); err == nil {
			return auto
		}
	}
	return p
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
	cache, err := a.cacheRoot()
	if err != nil {
		return nil, err
	}
	cfg, err := fetch.ConfigFromEnv(fetch.Config{CacheDir: cache})
	if err != nil {
		return nil, usageError{err}
	}
	if len(a.mirrors) > 0 {
		cfg.Mirrors = a.mirrors
	}
	cfg.OnEvent = a.dispatch
	f, err := fetch.New(cfg)
	if err != nil {
		// Only the configuration (mirrors, limits) can make New fail.
		return nil, usageError{err}
	}
	a.fetcher = f
	return f, nil
}

// catalog loads the downloads catalog once per run.
func (a *app) catalog(ctx context.Context) (*catalog.Catalog, error) {
	a.catalogOnce.Do(func() {
		a.catalogVal, a.catalogErr = a.loadCatalog(ctx, false)
	})
	return a.catalogVal, a.catalogErr
}

// refreshCatalog revalidates a cached remote catalog, used when a request
// matches nothing in it.
func (a *app) refreshCatalog(ctx context.Context) (*catalog.Catalog, error) {
	if a.isOffline() {
		return a.catalog(ctx)
	}
	return a.loadCatalog(ctx, true)
}

func (a *app) loadCatalog(ctx context.Context, refresh bool) (*catalog.Catalog, error) {
	if a.loader == nil {
		l, err := a.newCatalogLoader()
		if err != nil {
			return nil, err
		}
		a.loader = l
	}
	var c *catalog.Catalog
	var err error
	if refresh {
		c, err = a.loader.Refresh(ctx)
	} else {
		c, err = a.loader.Load(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("loading the downloads catalog: %w", err)
	}
	if a.verbose {
		a.debug("catalog: %s; %s", describeCatalog(c), snapshotLine())
	}
	return c, nil
}
