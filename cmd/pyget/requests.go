package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pyget/pyget/internal/pipeline"
	"github.com/pyget/pyget/internal/pyrequest"
)

// pinFiles is the resolver's source of requests when none is given: the
// .python-version in this folder or its parents, else the nearest
// project's requires-python, else the global pin.
type pinFiles struct{ a *app }

// DefaultRequests is the requests in force here (pipeline.ProjectDefaults):
// the nearest .python-version, else the nearest pyproject.toml's
// requires-python, else the global pin. A malformed requires-python is a
// usage error, as a bad request in a .python-version is.
func (p pinFiles) DefaultRequests() ([]string, string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	global, err := p.a.globalPinFile()
	if err != nil {
		return nil, "", err
	}
	reqs, from, err := pipeline.ProjectDefaults(wd, global).DefaultRequests()
	var bad *pyrequest.RequiresPythonError
	if errors.As(err, &bad) {
		err = usageError{err}
	}
	return reqs, from, err
}

// globalPinFile is the user-level pin, .python-version in pyget's config
// dir; "" when there is no home directory to find that in.
func (a *app) globalPinFile() (string, error) {
	s, err := a.settings()
	if err != nil || s.ConfigDir == "" {
		return "", err
	}
	return filepath.Join(s.ConfigDir, pyrequest.PinFile), nil
}

// parseRequests parses requests given on the command line: a bad one is a
// usage error.
func parseRequests(args []string) ([]pyrequest.Request, error) {
	reqs, err := pipeline.ParseRequests(args, "")
	if err != nil {
		return nil, usageError{err}
	}
	return reqs, nil
}

// noDownloadHint says where a request the catalog cannot satisfy could be
// had: with PYGET_CPYTHON_BUILD, the releases that have it or that the
// catalog lacks the release; else a newer catalog, or what list shows.
func noDownloadHint(e *pipeline.NoDownloadError) string {
	if e.Release != "" {
		switch {
		case !e.ReleaseKnown:
			date := ""
			if e.Catalog != nil {
				date = e.Catalog.Date()
			}
			return fmt.Sprintf("the catalog has no release %s (its newest is %s): check PYGET_CPYTHON_BUILD", e.Release, orUnknown(date))
		case len(e.OtherReleases) > 0:
			return fmt.Sprintf("release %s has it: change PYGET_CPYTHON_BUILD, or unset it for any release", e.OtherReleases[0])
		}
		return fmt.Sprintf("`pyget list %s --all-platforms` shows the builds release %s has", quoteArg(e.Request), e.Release)
	}
	if hint := newerCatalogHint(e.Catalog, e.Offline); hint != "" {
		return hint // only a newer catalog could have it
	}
	return fmt.Sprintf("`pyget list %s --all-platforms` shows the builds the catalog has", quoteArg(e.Request))
}

func quoteArg(s string) string {
	if strings.ContainsAny(s, " <>=!~*,|&;") {
		return "'" + s + "'"
	}
	return s
}
