package store

import (
	"alprdesk/api"
	"alprdesk/api/plate"
)

// verifiedPlate returns the plate and state a person's verdict vouches for:
// the OCR text when the verdict is confirmed or wrong_state (the text was
// right, the state was not), the corrected plate when it is misread; the
// state is the corrected state where the verdict gives one. ok is false
// when there is no verdict or the photo was unreadable.
func verifiedPlate(r api.Read) (p, state string, ok bool) {
	v := r.Verification
	if v == nil {
		return "", "", false
	}
	p, state = r.Plate, r.State
	switch v.Status {
	case api.VerifyConfirmed:
	case api.VerifyMisread:
		p = v.CorrectedPlate
	case api.VerifyWrongState:
	default:
		return "", "", false
	}
	if v.CorrectedState != "" {
		state = v.CorrectedState
	}
	return p, state, true
}

// checkPositions lists where the read's OCR text and the entry's plate
// differ, marking look-alike pairs.
func checkPositions(read, entry string) []api.CheckPosition {
	out := []api.CheckPosition{}
	for i := 0; i < max(len(read), len(entry)); i++ {
		var a, b string
		if i < len(read) {
			a = read[i : i+1]
		}
		if i < len(entry) {
			b = entry[i : i+1]
		}
		if a == b {
			continue
		}
		out = append(out, api.CheckPosition{Index: i, Read: a, Entry: b,
			LookAlike: a != "" && b != "" && plate.LookAlike(a[0], b[0])})
	}
	return out
}

// HitCheck computes an alert's check from the read as it now stands (with
// its latest verdict) and the entry it matched; colors is the policy's
// colour list. A confirmed look-alike read is never stop-ready: its plate is
// not the entry's.
func HitCheck(read api.Read, entry api.HotlistEntry, colors []string) api.AlertCheck {
	c := api.AlertCheck{ReadPlate: read.Plate, EntryPlate: entry.Plate,
		Positions:        checkPositions(read.Plate, entry.Plate),
		DescriptionMatch: api.DescriptionMatch(entry.VehicleDescription, read.Make, read.Color, colors)}
	p, state, verified := verifiedPlate(read)
	if !verified {
		state = read.State
	}
	c.StateMatch = state == entry.State
	c.StopReady = verified && p == entry.Plate && c.StateMatch && c.DescriptionMatch != api.DescriptionNo
	return c
}
