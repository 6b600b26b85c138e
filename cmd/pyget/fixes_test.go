package main

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/pyget/pyget/internal/config"
	"github.com/pyget/pyget/internal/pyfix"
)

// The flags win over the variables, both ways; unset flags leave them.
func TestFixOptionsFlagsOverEnvironment(t *testing.T) {
	for _, c := range []struct {
		env  config.Settings
		args []string
		want pyfix.Options
	}{
		{config.Settings{}, nil, pyfix.Options{}},
		{config.Settings{CompileBytecode: true, NoExternallyManaged: true}, nil, pyfix.Options{CompileBytecode: true, NoExternallyManaged: true}},
		{config.Settings{}, []string{"--compile-bytecode", "--no-externally-managed"}, pyfix.Options{CompileBytecode: true, NoExternallyManaged: true}},
		{config.Settings{CompileBytecode: true, NoExternallyManaged: true}, []string{"--compile-bytecode=false", "--no-externally-managed=false"}, pyfix.Options{}},
	} {
		a := &app{env: c.env}
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		a.addFixFlags(cmd)
		if err := cmd.ParseFlags(c.args); err != nil {
			t.Fatal(err)
		}
		if got := a.fixOptions(); got != c.want {
			t.Errorf("env %+v, flags %q: %+v, want %+v", c.env, c.args, got, c.want)
		}
	}
}
