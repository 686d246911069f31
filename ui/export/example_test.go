package export_test

import (
	"fmt"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/ui/export"
)

// The UI records the export with the store (POST /v1/exports) first, then
// writes the file. Here one unverified read goes to CSV.
func ExampleEvidenceCSV() {
	at := time.Date(2026, 11, 26, 14, 2, 11, 0, time.UTC)
	p := export.Packet{
		Case:      api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery", Purpose: "Armed robbery at 73rd Ave"},
		Examiner:  "Det. Dana Reyes (D100)",
		Generated: at.Add(time.Hour),
		Reads: []api.Read{{ID: "r1", Plate: "7ABC123", State: "CA", Confidence: 0.93, CapturedAt: at,
			Camera: api.ReadCamera{ID: "cam-1", Name: "International Blvd & 73rd Ave", Lat: 37.7654, Lon: -122.1876},
			Make:   "Toyota", Color: "silver", BodyType: "sedan"}},
	}
	var b strings.Builder
	if err := export.EvidenceCSV(&b, p); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.TrimPrefix(b.String(), export.BOM)) // the file starts with a BOM, for Excel
	fmt.Println(export.FileName(api.ExportEvidenceCSV, p.Case.ReportNumber, p.Generated))
	// Output:
	// number,read_id,report_number,purpose_category,ocr_plate,verified_plate,state,verified_state,captured_at_utc,captured_at_local,camera_id,camera_name,camera_lat,camera_lon,make,color,body_type,features,confidence,verification_status,verified_by,verified_at,possible_switch,fuzzy_substitutions,photo_in_packet
	// 1,r1,26-012345,robbery,7ABC123,,CA,,2026-11-26T14:02:11Z,2026-11-26T06:02:11-08:00,cam-1,International Blvd & 73rd Ave,37.765400,-122.187600,Toyota,silver,sedan,,0.930,UNVERIFIED,,,false,,false
	// evidence-26-012345-20261126T1502Z.csv
}
