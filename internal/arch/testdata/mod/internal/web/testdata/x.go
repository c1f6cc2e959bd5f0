package x

import _ "fake/internal/store"
