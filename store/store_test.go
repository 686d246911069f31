package store_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// read builds a read of cam-1 captured ago before the clock.
func read(env *storetest.Env, id, plate string, ago time.Duration) api.ReadMeta {
	return api.ReadMeta{ID: id, CameraID: "cam-1", CapturedAt: env.Clock.Now().Add(-ago), Plate: plate,
		State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan",
		Features: []string{"roof_rack"}, PlateBox: api.Box{X: 1, Y: 1, W: 6, H: 4}}
}

func searchReq(plate string) api.SearchRequest {
	return api.SearchRequest{CaseContext: storetest.Case, Plate: plate}
}

func TestEndToEndSearchPhotoVerify(t *testing.T) {
	env := storetest.Start(t)
	jpeg := storetest.JPEG(t, 32, 18)
	env.Ingest(t, read(env, "r1", "7ABC123", time.Hour), jpeg)
	env.Ingest(t, read(env, "r2", "7ABC128", 2*time.Hour), nil)
	tok := env.Login(t, "detective")

	var pol api.Policy
	env.Do(t, "GET", "/v1/policy", tok, nil, http.StatusOK, &pol)
	if pol.RetentionDays != 30 || pol.Demo || len(pol.ProhibitedTerms) == 0 {
		t.Fatalf("policy = %+v", pol)
	}
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC12?"), http.StatusOK, &res)
	if res.Total != 2 || len(res.Results) != 2 || res.Results[0].ID != "r1" {
		t.Fatalf("search = %+v", res)
	}
	if res.Results[0].Camera.Name == "" || res.Results[0].Verification != nil {
		t.Fatalf("read = %+v", res.Results[0])
	}
	got := env.Do(t, "GET", "/v1/reads/r1/photo?search_id="+res.SearchID, tok, nil, http.StatusOK, nil)
	if !bytes.Equal(got, jpeg) {
		t.Fatalf("photo differs: %d bytes", len(got))
	}
	var v api.Verification
	env.Do(t, "POST", "/v1/reads/r2/verification", tok, api.VerificationRequest{SearchID: res.SearchID,
		Status: api.VerifyMisread, CorrectedPlate: "7abc-129"}, http.StatusOK, &v)
	if v.CorrectedPlate != "7ABC129" || v.By != "detective" {
		t.Fatalf("verification = %+v", v)
	}
	// The corrected plate is searchable beside the OCR text.
	var res2 api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC129"), http.StatusOK, &res2)
	if res2.Total != 1 || res2.Results[0].ID != "r2" || res2.Results[0].Plate != "7ABC128" ||
		res2.Results[0].Verification == nil || res2.Results[0].Verification.Status != api.VerifyMisread {
		t.Fatalf("corrected search = %+v", res2)
	}
	// Another user's search id does not reach the photo.
	tok2 := env.Login(t, "detective2")
	env.Do(t, "GET", "/v1/reads/r1/photo?search_id="+res.SearchID, tok2, nil, http.StatusForbidden, nil)
	// A read the search did not return is refused.
	env.Ingest(t, read(env, "r3", "5XYZ999", time.Hour), nil)
	env.Do(t, "GET", "/v1/reads/r3/photo?search_id="+res.SearchID, tok, nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/reads/r1/photo", tok, nil, http.StatusBadRequest, nil)
	_ = fmt.Sprint
}
