package cli

import (
	"flag"
	"os"
)

// metricsFlags are where and how a server serves /metrics: a bearer token
// the scraper sends (better from the environment than on the command line,
// where the process list shows it), a listen address of its own, or both.
func metricsFlags(fs *flag.FlagSet) (token, addr *string) {
	token = fs.String("metrics-token", os.Getenv("COBRO_METRICS_TOKEN"),
		"/metrics answers only with Authorization: Bearer TOKEN (env COBRO_METRICS_TOKEN)")
	addr = fs.String("metrics-addr", os.Getenv("COBRO_METRICS_ADDR"),
		"serve /metrics on this HOST:PORT only, apart from the API and the pages (env COBRO_METRICS_ADDR)")
	return token, addr
}
