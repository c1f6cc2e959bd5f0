package store

import _ "fake/internal/ledger"
