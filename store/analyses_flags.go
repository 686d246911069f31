package store

import (
	"fmt"

	"alprdesk/api"
)

// convoyFlags: every convoy analysis that ran goes to the supervisor's
// review queue (issue 14), one flag each, anchored at its audit entry.
func convoyFlags(sc *flagScan) []api.AuditFlag {
	var out []api.AuditFlag
	for user, es := range sc.activity {
		for _, e := range es {
			if e.Action != ActionAnalysisConvoy {
				continue
			}
			out = append(out, api.AuditFlag{ID: flagID(api.FlagConvoy, e.Seq, user), Kind: api.FlagConvoy, Username: user,
				Seqs: []int64{e.Seq}, At: e.At,
				Explanation: fmt.Sprintf("%s ran a convoy analysis for %s under report %s (%s); every convoy analysis is reviewed.",
					user, queryField(e.Query, "plate"), e.ReportNumber, e.PurposeCategory)})
		}
	}
	return out
}
