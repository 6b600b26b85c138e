package main

import (
	"os"

	"github.com/pyget/pyget/internal/pyrequest"
)

// projectRequiresPython is the nearest project's requires-python, for pin
// --resolved without a request; a usage error when there is none.
func (a *app) projectRequiresPython() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	rp, found, err := pyrequest.FindRequiresPython(wd)
	if err != nil {
		return "", err
	}
	if !found {
		return "", usagef("--resolved needs a request to resolve (or a pyproject.toml with requires-python here or above)")
	}
	a.debug("resolving %s", rp.From())
	return rp.Spec, nil
}
