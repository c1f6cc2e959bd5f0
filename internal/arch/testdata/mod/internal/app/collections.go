package app

import (
	_ "net/http"

	_ "fake/internal/store"
)
