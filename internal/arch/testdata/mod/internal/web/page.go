package web

import (
	_ "fake/internal/app"
	_ "fake/internal/store"
)
