package ledger

import (
	_ "database/sql"

	_ "fake/internal/money"
)
