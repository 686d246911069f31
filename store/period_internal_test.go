package store

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestPeriodDefaultIncludesNow: with no to, what was stored at now (in
// the same millisecond as the request) is in [from, to). CI once listed no
// alert for a hit stored a moment before GET /v1/alerts.
func TestPeriodDefaultIncludesNow(t *testing.T) {
	now := time.Date(2026, 12, 2, 3, 4, 5, 6_000_000, time.UTC)
	from, to, err := periodParams(httptest.NewRequest("GET", "/v1/alerts", nil), now, yearBefore)
	if err != nil {
		t.Fatal(err)
	}
	if now.Before(from) || !now.Before(to) || !now.Truncate(time.Millisecond).Before(to.Truncate(time.Millisecond)) {
		t.Fatalf("[%v, %v) leaves out now %v", from, to, now)
	}
	_, to, err = periodParams(httptest.NewRequest("GET", "/v1/alerts?to=2026-12-01T00:00:00Z", nil), now, yearBefore)
	if err != nil || !to.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("explicit to = %v, %v", to, err)
	}
}
