package web

import "time"

// SetLive sets how often the live feed polls and how long a stream lasts,
// for tests.
func SetLive(poll, lasts time.Duration) { livePoll, liveFor = poll, lasts }
