//go:build !unix

package dirlock

import (
	"errors"
	"os"
)

// errWouldBlock is never returned where the folder cannot be locked.
var errWouldBlock = errors.New("would block")

// lock does nothing on systems without flock: the folder is not protected there.
func lock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
