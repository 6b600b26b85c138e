package main

import (
	"errors"
	"fmt"

	"github.com/pyget/pyget/internal/catalog"
)

// catalogWhy says, for -v, why this run uses the catalog it uses.
func (a *app) catalogWhy(c *catalog.Catalog) string {
	var recent *catalog.RecentFailureError
	switch {
	case errors.As(c.RefreshErr, &recent):
		return recent.Error() + "; `pyget cache clean` forgets that"
	case c.RefreshErr != nil:
		return fmt.Sprintf("the remote catalog could not be fetched (%v)", c.RefreshErr)
	case c.From == catalog.FromFile:
		return "--downloads-json or PYGET_DOWNLOADS_JSON names it"
	case a.isOffline():
		return "--offline: the cached copy, else the built-in one"
	case c.From == catalog.FromRemote:
		return "fetched or revalidated in this run"
	case c.From == catalog.FromCache:
		return fmt.Sprintf("the cached copy is fresh (revalidated every %v)", catalog.DefaultMaxAge)
	case c.From == catalog.FromSnapshot:
		return "the built-in catalog is newer than the remote or cached one"
	}
	return "the default"
}
