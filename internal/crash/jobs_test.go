package crash

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"cobro/internal/dbtest"
)

// metricValue reads one series from a server's /metrics (0 when absent).
func metricValue(t *testing.T, addr, series string) float64 {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// TestTwoServersRunUpkeepOnce: two real `cobro serve` processes on one
// PostgreSQL both run the job runner; each upkeep job runs once for its
// period, by one of them.
func TestTwoServersRunUpkeepOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real processes")
	}
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	dsn := dbtest.DSN(t, "postgres")
	cobro(t, bin, "", "company", "--db", dsn, "--name", "Dos S.L.", "--currency", "EUR")
	a, b := start(t, bin, dsn, freePort(t)), start(t, bin, dsn, freePort(t))
	defer a.kill()
	defer b.kill()
	kinds := []string{"calendar.refresh", "keys.purge", "jobs.purge", "store.statistics"}
	deadline := time.Now().Add(20 * time.Second)
	for {
		done := 0
		for _, k := range kinds {
			if metricValue(t, a.addr, `cobro_jobs{kind="`+k+`",state="done"}`) == 1 {
				done++
			}
		}
		if done == len(kinds) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("upkeep jobs not done after 20 s: %d of %d", done, len(kinds))
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // both runners have polled again meanwhile
	for _, k := range kinds {
		runs := 0.0
		for _, s := range []*server{a, b} {
			runs += metricValue(t, s.addr, `cobro_job_runs_total{kind="`+k+`",outcome="done"}`)
		}
		if runs != 1 {
			t.Errorf("%s ran %v times across the two servers, want once", k, runs)
		}
		for _, state := range []string{"queued", "running", "retry", "dead"} {
			if n := metricValue(t, b.addr, `cobro_jobs{kind="`+k+`",state="`+state+`"}`); n != 0 {
				t.Errorf("%s: %v %s", k, n, state)
			}
		}
	}
}
