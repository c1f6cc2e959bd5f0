package jobs

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestQuietLog(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, nil))
	var q quietLog
	down := errors.New("connection refused")
	for range 5 {
		q.log(l, "claim jobs", down)
	}
	q.log(l, "claim jobs", errors.New("disk full"))
	q.log(l, "claim jobs", down)
	if n := strings.Count(buf.String(), "\n"); n != 3 {
		t.Fatalf("%d lines, want 3 (the same error once, then each change):\n%s", n, buf.String())
	}
}
