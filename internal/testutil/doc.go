// Package testutil holds helpers shared by the tests of several packages.
// Nothing outside _test.go files may import it.
package testutil
