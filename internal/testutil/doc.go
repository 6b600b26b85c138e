// Package testutil holds helpers shared by the tests of several packages:
// archive builders (Entry, TarGz, TarZst, Zip, FakeCPython), a throwaway
// certificate authority (NewCA) and a small full filesystem (Tmpfs).
//
// Nothing outside _test.go files may import it, except the test-only
// package internal/faultserver; internal/importrules' test checks.
package testutil
