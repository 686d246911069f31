package ui

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"alprdesk/api"
	"alprdesk/store/storetest"
	"alprdesk/ui/session"
)

// BenchmarkSearchToTable measures a search from the form to the results in
// the table (and the first row selected) against a demo store on loopback.
func BenchmarkSearchToTable(b *testing.B) {
	env := storetest.StartDemo(b, 1, 20000)
	fa := test.NewTempApp(b)
	a := New(fa, Config{Connector: &session.ClientConnector{CacheDir: b.TempDir(), Workstation: "bench"}, Server: env.URL, Demo: true})
	a.Window().Resize(fyne.NewSize(1366, 740))
	l := a.Login()
	l.username.SetText("detective")
	l.password.SetText("demo")
	l.onSignIn()
	waitForB(b, func() bool { return a.Main() != nil })
	m := a.Main()
	defer m.close()
	m.Case.Use(api.CaseContext{ReportNumber: "20-042319", PurposeCategory: "robbery", Purpose: "Attempted carjacking near International Blvd; silver sedan"})
	m.Form.plate.SetText("8?KN*")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.searchID = ""
		m.Form.onSubmit()
		waitForB(b, func() bool { return !m.runs.busy(runSearch) && m.searchID != "" })
	}
	b.StopTimer()
	if len(m.Results.Rows()) == 0 {
		b.Fatal("no results")
	}
}

// BenchmarkTenThousandRows fills the table with 10,000 results and reports
// the heap they take.
func BenchmarkTenThousandRows(b *testing.B) {
	test.NewTempApp(b)
	reads := make([]api.Read, 10000)
	t0 := time.Now()
	for i := range reads {
		reads[i] = api.Read{ID: fmt.Sprintf("r%05d", i), Plate: fmt.Sprintf("7AB%04d", i), State: "CA", Confidence: 0.9,
			CapturedAt: t0.Add(-time.Duration(i) * time.Minute), Camera: api.ReadCamera{ID: "cam-1", Name: "International Blvd & 73rd Ave"},
			Make: "Toyota", Color: "silver", BodyType: "sedan"}
	}
	var before, after runtime.MemStats
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		v := newResultsView()
		w := test.NewTempWindow(b, v.content)
		w.Resize(fyne.NewSize(900, 600))
		for p := 0; p < len(reads); p += pageSize {
			v.Append(reads[p:p+pageSize], len(reads), false, p+pageSize < len(reads))
		}
		v.Select(9999)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-heap")
	}
}

// waitForB is waitFor for benchmarks.
func waitForB(b *testing.B, cond func() bool) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		drain()
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatal("timed out")
}
