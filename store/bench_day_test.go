package store_test

import (
	"testing"
	"time"
)

func TestBenchDay(t *testing.T) {
	now := time.Date(2026, 12, 3, 0, 30, 0, 0, time.UTC)
	if got, want := benchDay("", now), time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("benchDay(\"\") = %v, want %v", got, want)
	}
	if got, want := benchDay("2026-12-02", now), time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("benchDay(2026-12-02) = %v, want %v", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("benchDay(12/02/2026) did not panic")
		}
	}()
	benchDay("12/02/2026", now)
}
