package main

import (
	"path/filepath"
	"testing"
	"time"

	"alprdesk/store"
	"alprdesk/store/open"
)

// BenchmarkDemoStart measures `alprstore --demo` start-up at the default
// world size: the first start (generating 200,000 reads into a new
// database) and a later start (the cached database of the same world).
// Targets (issue 3): ready within 15 s first, within 3 s later.
func BenchmarkDemoStart(b *testing.B) {
	quiet := func(string, ...any) {}
	for _, phase := range []string{"first", "cached"} {
		b.Run(phase, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := filepath.Join(b.TempDir(), "demo.db")
				if phase == "cached" {
					s, err := store.Open(store.Config{Open: open.Open, Demo: true, DBPath: db, Logf: quiet, PurgeEvery: -1, HotlistEvery: -1})
					if err != nil {
						b.Fatal(err)
					}
					s.Close()
				}
				b.StartTimer()
				start := time.Now()
				s, err := store.Open(store.Config{Open: open.Open, Demo: true, DBPath: db, Logf: quiet, PurgeEvery: -1, HotlistEvery: -1})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "s-ready")
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
		})
	}
}
