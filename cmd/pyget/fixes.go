package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/pyfix"
)

// fixFlags are install's and upgrade's say in what pyfix does to a build;
// each wins over its variable when given.
type fixFlags struct {
	noExternallyManaged optionalBool // --no-externally-managed
	compileBytecode     optionalBool // --compile-bytecode
}

// optionalBool is a boolean flag that knows whether it was given, so that
// --compile-bytecode=false wins over PYGET_COMPILE_BYTECODE=1.
type optionalBool struct{ set, value bool }

func (b *optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.value = true, v
	return nil
}
func (b *optionalBool) String() string   { return strconv.FormatBool(b.value) }
func (b *optionalBool) Type() string     { return "bool" }
func (b *optionalBool) IsBoolFlag() bool { return true }

// or is the flag's value when given, else def (the variable's).
func (b optionalBool) or(def bool) bool {
	if b.set {
		return b.value
	}
	return def
}

// addFixFlags gives install and upgrade their interpreter flags.
func (a *app) addFixFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Var(&a.fix.noExternallyManaged, "no-externally-managed",
		"write no PEP 668 EXTERNALLY-MANAGED marker, so pip installs into the interpreter itself (env PYGET_NO_EXTERNALLY_MANAGED)")
	fl.Lookup("no-externally-managed").NoOptDefVal = "true"
	fl.Var(&a.fix.compileBytecode, "compile-bytecode",
		"compile the standard library's bytecode before the install is committed (env PYGET_COMPILE_BYTECODE)")
	fl.Lookup("compile-bytecode").NoOptDefVal = "true"
}

// fixOptions is what pyfix does besides fixing paths and the compiler.
func (a *app) fixOptions() pyfix.Options {
	return pyfix.Options{
		NoExternallyManaged: a.fix.noExternallyManaged.or(a.env.NoExternallyManaged),
		CompileBytecode:     a.fix.compileBytecode.or(a.env.CompileBytecode),
	}
}

// reportFixes shows what went wrong without failing the install (a module
// whose bytecode did not compile), and under -v what was changed.
func (a *app) reportFixes(r pyfix.Report) {
	for _, w := range r.Warnings {
		a.warn("%s", w)
	}
	if a.verbose {
		var sb strings.Builder
		writeFixes(&sb, r, "")
		a.debug("%s", strings.TrimSuffix(sb.String(), "\n"))
	}
}

// listFixes writes, under an installed build in `list -v`, what pyget
// changed in it.
func listFixes(w io.Writer, dir string) {
	r, ok, err := pyfix.ReadReport(dir)
	switch {
	case err != nil:
		fmt.Fprintf(w, "    (cannot read what was changed: %v)\n", err)
	case !ok:
		fmt.Fprintf(w, "    nothing changed (installed by an earlier pyget: `pyget install --reinstall` fixes its build paths)\n")
	default:
		writeFixes(w, r, "    ")
	}
}

// maxNames bounds the variables named per file.
const maxNames = 8

func writeFixes(w io.Writer, r pyfix.Report, indent string) {
	if len(r.Files) == 0 {
		fmt.Fprintf(w, "%sno build paths or compiler to change\n", indent)
	}
	for _, f := range r.Files {
		names := f.Changed
		more := ""
		if len(names) > maxNames {
			more = fmt.Sprintf(" and %d more", len(names)-maxNames)
			names = names[:maxNames]
		}
		fmt.Fprintf(w, "%spatched %s: %s%s\n", indent, f.Path, strings.Join(names, ", "), more)
	}
	if r.ExternallyManaged != "" {
		fmt.Fprintf(w, "%smarked %s (PEP 668)\n", indent, r.ExternallyManaged)
	}
	if r.Bytecode != "" {
		line := fmt.Sprintf("%sbytecode compiled in %s", indent, r.Bytecode)
		if r.BytecodeFailures > 0 {
			line += fmt.Sprintf(" (%d modules did not compile)", r.BytecodeFailures)
		}
		fmt.Fprintln(w, line)
	}
}
