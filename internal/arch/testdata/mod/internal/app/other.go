package app

import _ "net/http/httptest"
