package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"cobro/internal/store"
)

type metrics struct {
	runs     *prometheus.CounterVec
	failures *prometheus.CounterVec
	duration *prometheus.HistogramVec
	states   *stateCollector
}

func newMetrics(db *store.DB) *metrics {
	return &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cobro_job_runs_total",
			Help: "Job runs by this process, by kind and outcome (done, retry, dead, released, lease_lost)."}, []string{"kind", "outcome"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cobro_job_failures_total",
			Help: "Failed job attempts by this process, by kind."}, []string{"kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cobro_job_duration_seconds",
			Help: "How long a job's handler ran, by kind.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, []string{"kind"}),
		states: &stateCollector{db: db, desc: prometheus.NewDesc("cobro_jobs",
			"Jobs in the database (every server's), by kind and state.", []string{"kind", "state"}, nil)},
	}
}

// Collectors are the runner's metrics, for the server's registry: runs,
// failures and durations of this process, and the jobs in the database by
// state (counted at each scrape).
func (r *Runner) Collectors() []prometheus.Collector {
	m := r.metrics
	return []prometheus.Collector{m.runs, m.failures, m.duration, m.states}
}

// stateCollector counts the jobs by kind and state when scraped.
type stateCollector struct {
	db   *store.DB
	desc *prometheus.Desc
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.db.JobCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n.N), n.Kind, string(n.State))
	}
}
