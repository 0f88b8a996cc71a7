package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// durationBuckets resolve the rating-submission target (p99 < 50 ms) and
// slow report pages alike.
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// newDuration registers http_request_duration_seconds on reg. Routes are
// labelled by pattern (/api/v1/rounds/:roundId/ratings), never by raw
// path, so the number of series stays bounded.
func newDuration(reg prometheus.Registerer) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method, route pattern and status.",
		Buckets: durationBuckets,
	}, []string{"method", "route", "status"})
	reg.MustRegister(h)
	return h
}

// newRegistry is the registry used when the server supplies none: the
// histogram plus the Go runtime and process collectors.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// metricsHandler serves the registry in the Prometheus text format.
func (a *API) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
}
