package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/config"
)

// loadSettings reads the environment and the config files: the user's and
// the one of the project pyget runs in.
func loadSettings() (config.Settings, error) {
	wd, _ := os.Getwd() // no working folder: no project file
	return config.LoadFiles(config.Environment{LookupEnv: os.LookupEnv, Dir: wd})
}

func (a *app) configCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective settings and where each came from",
		Long: `Print every setting a config file may hold, its effective value and where
that value came from: a flag, a PYGET_* variable, the project's config file
(pyget.toml, or [tool.pyget] in pyproject.toml, in this folder or the nearest
parent that has one), the user's (pyget.toml in pyget's config dir), or the
default. Precedence: flag > environment > project > user > default.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.settings()
			if err != nil {
				return err
			}
			user := s.Origins.UserFile
			if user == "" {
				user = "(none: no config dir)"
			} else if !fileExists(user) {
				user += " (not found)"
			}
			project := s.Origins.ProjectFile
			if project == "" {
				project = "(none)"
			}
			fmt.Fprintf(a.stdout, "# user config: %s\n# project config: %s\n", user, project)
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			for _, key := range config.Keys() {
				value, from := s.Effective(key), s.Origins.ByKey[key].String()
				// A flag of the same name, given, wins over everything.
				if f := cmd.Root().PersistentFlags().Lookup(key); f != nil && f.Changed {
					value, from = flagText(f.Value.String()), "flag --"+key
				}
				fmt.Fprintf(tw, "%s\t= %s\t# %s\n", key, quoteValue(key, value), from)
			}
			return tw.Flush()
		},
	}
}

// flagText is a flag's value as pflag prints it, string arrays unwrapped.
func flagText(v string) string {
	if len(v) >= 2 && v[0] == '[' && v[len(v)-1] == ']' {
		return v[1 : len(v)-1]
	}
	return v
}

// quoteValue writes v as TOML, so that a line can be copied into a config
// file: numbers and booleans bare, mirrors as an array, the rest quoted.
func quoteValue(key, v string) string {
	if v == "true" || v == "false" {
		return v
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil && key != "cpython-build" {
		return v
	}
	if key == "mirror" && strings.Contains(v, " ") {
		var quoted []string
		for _, m := range strings.Fields(v) {
			quoted = append(quoted, strconv.Quote(m))
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	}
	return strconv.Quote(v)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
