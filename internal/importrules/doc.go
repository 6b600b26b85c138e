// Package importrules has no code of its own: its test holds the module's
// import rules and checks them against every non-test Go file. The rules
// are docs/architecture.md's "never imports" column (what each package of
// pyget must never import, directly or through another of pyget's
// packages), and that no production package imports the test-only packages
// internal/faultserver and internal/testutil.
//
// It imports nothing, and nothing imports it.
package importrules
