package erpimport

import _ "fake/internal/app"
