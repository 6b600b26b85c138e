//go:build !windows

package shellpath

import "errors"

func updateRegistry(string) ([]Change, error) {
	return nil, errors.New("the user's Path in the registry is Windows's")
}
