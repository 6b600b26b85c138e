package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pyget/pyget/internal/config"
	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/store"
)

func (a *app) runCommand() *cobra.Command {
	var python string
	cmd := &cobra.Command{
		Use:   "run [-p|--python REQUEST] [--] [ARGS...]",
		Short: "Run Python (installing it first if it is missing)",
		Long: `Run the interpreter find would print, with ARGS, which go to it untouched:
its exit status, signals, stdin, stdout and stderr are the interpreter's own
(on Unix pyget replaces itself with it).

The interpreter: the --python request; else the .python-version of this
folder or a parent; else the nearest pyproject.toml's [project]
requires-python; else the global pin; else the newest installed. When none
installed matches, it is installed first, with every guarantee of install
(progress on stderr only, no links in the bin dir), unless
PYGET_PYTHON_DOWNLOADS (uv's python-downloads) is manual or never.

pyget's own flags come first: the first argument that is not one of them, or
everything after --, is the interpreter's (pyget run -- -q for Python's -q).
In a script: #!/usr/bin/env -S pyget run -p 3.13`,
		Example: `  pyget run -p 3.13 -c 'print(1)'
  pyget run -m pytest
  pyget run script.py arg
  pyget run -p 3.14 -- -q`,
		// Flags after pyget's own belong to Python: splitRunArgs parses.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			help, pyArgs, err := splitRunArgs(cmd, args)
			if err != nil {
				return err
			}
			if help {
				return cmd.Help()
			}
			return a.runPython(cmd.Context(), python, pyArgs)
		},
	}
	cmd.Flags().StringVarP(&python, "python", "p", "", "the interpreter to run: a request, as install takes (default: the pin in force, else the newest installed)")
	return cmd
}

// splitRunArgs parses pyget's flags at the head of args (run's own and
// pyget's global ones, which cobra leaves in args with flag parsing off)
// and returns the rest, the interpreter's. The head ends at "--" (dropped),
// or at the first argument that is not a pyget flag: -c, -m, a script.
func splitRunArgs(cmd *cobra.Command, args []string) (help bool, rest []string, err error) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.AddFlagSet(cmd.InheritedFlags())
	fs.AddFlagSet(cmd.LocalFlags())
	i := 0
	for ; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			i++
			break
		}
		if arg == "-h" || arg == "--help" {
			help = true
			continue
		}
		if len(arg) < 2 || arg[0] != '-' {
			break
		}
		var f *pflag.Flag
		value, hasValue := "", false
		if strings.HasPrefix(arg, "--") {
			name := arg[2:]
			name, value, hasValue = strings.Cut(name, "=")
			f = fs.Lookup(name)
		} else {
			f = fs.ShorthandLookup(arg[1:2])
			if len(arg) > 2 {
				value, hasValue = arg[2:], true
			}
		}
		if f == nil {
			break // the interpreter's
		}
		switch {
		case f.NoOptDefVal != "" && !hasValue: // a boolean
			value = f.NoOptDefVal
		case f.NoOptDefVal != "" && !strings.HasPrefix(arg, "--"):
			// -qc...: not pyget's (its booleans are not combined here).
			return false, args[i:], nil
		case !hasValue:
			if i+1 >= len(args) {
				return false, nil, usagef("flag needs an argument: %s", arg)
			}
			i++
			value = args[i]
		}
		if err := fs.Set(f.Name, value); err != nil {
			return false, nil, usagef("invalid argument %q for %s: %v", value, arg, err)
		}
	}
	return help, args[i:], nil
}

// runPython runs the interpreter request names (the pin in force when ""),
// installing it first when none installed matches and downloads are
// allowed.
func (a *app) runPython(ctx context.Context, request string, args []string) error {
	res, layout, err := a.resolverFor()
	if err != nil {
		return err
	}
	q := pipeline.Requests{Args: []string{request}, From: "--python"}
	if request == "" {
		if q, err = res.Requests(nil, "default"); err != nil {
			return err
		}
	}
	parsed, err := q.Parse()
	if err != nil {
		return usageError{err}
	}
	// A .python-version may list several versions: the first installed
	// wins, as with find.
	if best, ok := res.FirstInstalled(parsed); ok {
		return a.execPython(best.Executable, args)
	}

	// None installed: install the first request, if allowed. The check
	// comes before anything touches the network.
	what := parsed[0].String()
	if q.From != "" && q.From != "--python" {
		what += " (from " + q.From + ")"
	}
	switch a.env.PythonDownloads {
	case config.DownloadsNever, config.DownloadsManual:
		return withHint(
			fmt.Errorf("%w %s on %s, and PYGET_PYTHON_DOWNLOADS=%s: pyget run installs nothing", errNoMatch, what, parsed[0].Target(res.Platform), a.env.PythonDownloads),
			fmt.Sprintf("install it with `pyget install %s`", quoteArg(parsed[0].String())))
	}
	fetcher, err := a.getFetcher()
	if err != nil {
		return err
	}
	ui := newProgressUI(a)
	defer ui.stop()
	a.setEventHandler(ui.event)
	in := a.installer(layout, fetcher, ui.println)
	// An interpreter installed on the way to running it adds no commands
	// to the bin dir: `pyget install` does that, when asked.
	in.Links = store.LinkOptions{NoBin: true}
	if err := a.withAttestations(in, fetcher); err != nil {
		return err
	}
	var claims pipeline.Claims
	j := pipeline.Job{Arg: parsed[0].String(), Request: parsed[0], From: q.From}
	o, err := in.InstallJob(ctx, res, j, &claims)
	ui.stop()
	if err != nil {
		return jobFailure(err)
	}
	a.report(o)
	return a.execPython(o.Installation.Executable, args)
}

// execPython runs the interpreter in pyget's place: on Unix, with stdio
// being the process's own, exec (signals, stdin and the exit status are
// then the interpreter's without pyget in between); otherwise as a child
// (runChild), whose exit status becomes pyget's.
func (a *app) execPython(exe string, args []string) error {
	if a.stdout == os.Stdout && a.stderr == os.Stderr {
		if err := execReplace(exe, args); !errors.Is(err, errNoExec) {
			return fmt.Errorf("running %s: %w", exe, err)
		}
	}
	return a.runChild(exe, args)
}

// errNoExec: this OS cannot replace the process (Windows).
var errNoExec = errors.New("exec is not supported here")

// runChild runs the interpreter as a child with pyget's stdio and waits
// for it; its exit status is pyget's (silentError). An interrupt (Ctrl-C)
// reaches the child too, from the console, and pyget, whose main catches
// it, waits for the child to decide what it means.
func (a *app) runChild(exe string, args []string) error {
	c := exec.Command(exe, args...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, a.stdout, a.stderr
	prepareChild(c)
	err := c.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return silentError{childExitCode(ee)}
	}
	if err != nil {
		return fmt.Errorf("running %s: %w", exe, err)
	}
	return nil
}
