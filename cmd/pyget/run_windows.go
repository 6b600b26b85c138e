//go:build windows

package main

import "os/exec"

// execReplace: Windows has no exec; runChild runs a child instead.
func execReplace(string, []string) error { return errNoExec }

// prepareChild leaves the child in pyget's console and process group, so
// that Ctrl-C reaches it from the console as it reaches pyget (whose main
// catches it and waits for the child).
func prepareChild(*exec.Cmd) {}

func childExitCode(ee *exec.ExitError) int { return ee.ExitCode() }
