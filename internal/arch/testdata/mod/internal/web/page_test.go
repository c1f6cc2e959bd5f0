package web

import _ "fake/internal/store"
