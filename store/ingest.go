package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image/jpeg"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// Ingest limits.
const (
	MaxPhotoBytes = 2 << 20
	maxMetaBytes  = 64 << 10
	maxBatchBytes = 256 << 20
	maxBatchLine  = MaxPhotoBytes*4/3 + maxMetaBytes
	maxReadIDLen  = 128
	maxFutureSkew = 5 * time.Minute
	maxFeatures   = 20
	maxAttrLen    = 40
	ingestChunk   = 500
	// MaxPhotoSide is the most pixels a photo may have on a side.
	MaxPhotoSide   = 4096
	jpegMagicBytes = "\xff\xd8\xff"
)

// checkMeta validates and normalises a read's metadata for a camera.
func (s *Server) checkMeta(m *api.ReadMeta, cam *api.Camera, now time.Time) *api.Error {
	m.Plate = plate.Normalize(m.Plate)
	m.State = strings.ToUpper(strings.TrimSpace(m.State))
	m.Make = strings.TrimSpace(m.Make)
	m.Color = strings.ToLower(strings.TrimSpace(m.Color))
	m.BodyType = strings.ToLower(strings.TrimSpace(m.BodyType))
	switch {
	case strings.TrimSpace(m.ID) == "" || len(m.ID) > maxReadIDLen:
		return invalid("id", "must be 1 to %d characters chosen by the camera.", maxReadIDLen)
	case m.CameraID == "":
		return invalid("camera_id", "is required.")
	case cam != nil && m.CameraID != cam.ID:
		return forbidden("This token belongs to camera %s; it cannot upload reads of camera %s.", cam.ID, m.CameraID)
	case m.CapturedAt.IsZero():
		return invalid("captured_at", "is required (RFC 3339).")
	case m.CapturedAt.After(now.Add(maxFutureSkew)):
		return invalid("captured_at", "is in the future (%s); check the camera's clock.", m.CapturedAt.UTC().Format(time.RFC3339))
	case !plate.Valid(m.Plate):
		return invalid("plate", "must be 1 to %d letters and digits; it is %q.", plate.MaxLen, m.Plate)
	case !slices.Contains(s.policy.States, m.State):
		return invalid("state", "holds %q, which is not a known state of issuance.", m.State)
	case m.Confidence < 0 || m.Confidence > 1:
		return invalid("confidence", "must be between 0 and 1; it is %g.", m.Confidence)
	case len(m.Make) > maxAttrLen:
		return invalid("make", "is longer than %d characters.", maxAttrLen)
	case m.Color != "" && !slices.Contains(s.policy.Colors, m.Color):
		return invalid("color", "holds %q; use one of %s.", m.Color, strings.Join(s.policy.Colors, ", "))
	case m.BodyType != "" && !slices.Contains(s.policy.BodyTypes, m.BodyType):
		return invalid("body_type", "holds %q; use one of %s.", m.BodyType, strings.Join(s.policy.BodyTypes, ", "))
	case len(m.Features) > maxFeatures:
		return invalid("features", "lists more than %d features.", maxFeatures)
	case m.PlateBox.X < 0 || m.PlateBox.Y < 0 || m.PlateBox.W < 0 || m.PlateBox.H < 0 ||
		m.PlateBox.X+m.PlateBox.W > MaxPhotoSide || m.PlateBox.Y+m.PlateBox.H > MaxPhotoSide:
		return invalid("plate_box", "must be a rectangle inside the photo (non-negative pixels).")
	}
	for _, f := range m.Features {
		if f == "" || len(f) > maxAttrLen {
			return invalid("features", "holds an empty or over-long feature name.")
		}
	}
	if m.CapturedAt.Before(now.AddDate(0, 0, -s.cfg.RetentionDays)) {
		return api.E(api.CodeOutsideRetention,
			"The read was captured %s, more than %d days ago; it is past retention and is not stored.",
			m.CapturedAt.UTC().Format(time.RFC3339), s.cfg.RetentionDays)
	}
	m.CapturedAt = m.CapturedAt.UTC().Truncate(time.Millisecond)
	m.PhotoBase64 = ""
	return nil
}

// checkPhoto checks that a photo decodes as a JPEG (its header and
// dimensions, at most MaxPhotoSide pixels a side) and that the read's
// plate_box lies inside it.
func checkPhoto(field string, b []byte, box api.Box) *api.Error {
	if !bytes.HasPrefix(b, []byte(jpegMagicBytes)) {
		return invalid(field, "is not a JPEG image.")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	switch {
	case err != nil:
		return invalid(field, "does not decode as a JPEG image (%v).", err)
	case cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide:
		return invalid(field, "is %d x %d pixels; a photo has 1 to %d pixels a side.", cfg.Width, cfg.Height, MaxPhotoSide)
	case box.X+box.W > cfg.Width || box.Y+box.H > cfg.Height:
		return invalid("plate_box", "(%d,%d %dx%d) reaches outside the %d x %d photo.", box.X, box.Y, box.W, box.H, cfg.Width, cfg.Height)
	}
	return nil
}

// ingest: POST /v1/reads (multipart: meta JSON, photo JPEG).
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, sess *session) error {
	if r.ContentLength > MaxPhotoBytes+maxMetaBytes+4096 {
		w.Header().Set("Connection", "close")
		return tooLarge(MaxPhotoBytes)
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return api.E(api.CodeMalformedJSON, "Send a read as multipart/form-data with a meta part (JSON) and a photo part (JPEG).")
	}
	body := http.MaxBytesReader(w, r.Body, MaxPhotoBytes+maxMetaBytes+4096)
	rec, apiErr := readMultipart(multipart.NewReader(body, params["boundary"]))
	if apiErr != nil {
		if apiErr.Code == api.CodeTooLarge {
			w.Header().Set("Connection", "close")
		}
		return apiErr
	}
	if e := s.checkMeta(&rec.Meta, sess.camera, s.now()); e != nil {
		return e
	}
	if e := checkPhoto("photo", rec.Photo, rec.Meta.PlateBox); e != nil {
		return e
	}
	dup, hits, err := s.insertRead(r.Context(), rec)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if dup {
		status = http.StatusOK
	}
	return writeJSON(w, status, api.IngestResponse{ID: rec.Meta.ID, Duplicate: dup, Alerts: hits})
}

// readMultipart reads the meta and photo parts, refusing a photo over
// MaxPhotoBytes as soon as it is seen to be too large.
func readMultipart(mr *multipart.Reader) (*ReadRecord, *api.Error) {
	rec := &ReadRecord{}
	var gotMeta bool
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, tooLarge(MaxPhotoBytes)
			}
			return nil, api.E(api.CodeMalformedJSON, "The multipart body could not be read: %v.", err)
		}
		switch part.FormName() {
		case "meta":
			dec := json.NewDecoder(io.LimitReader(part, maxMetaBytes))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rec.Meta); err != nil {
				return nil, jsonError(err)
			}
			gotMeta = true
		case "photo":
			b, err := io.ReadAll(io.LimitReader(part, MaxPhotoBytes+1))
			if err != nil {
				return nil, tooLarge(MaxPhotoBytes)
			}
			if len(b) > MaxPhotoBytes {
				return nil, api.E(api.CodeTooLarge, "The photo is larger than 2 MiB.")
			}
			rec.Photo = b
		default:
			return nil, api.E(api.CodeUnknownField, "The part %q is not part of a read; send meta and photo.", part.FormName())
		}
	}
	if !gotMeta {
		return nil, invalid("meta", "is required: the read's metadata as JSON.")
	}
	if len(rec.Photo) == 0 {
		return nil, invalid("photo", "is required: the read's JPEG.")
	}
	return rec, nil
}

// insertRead stores one read, matching it against the hotlists; dup when
// its id exists, hits the alerts it raised.
func (s *Server) insertRead(ctx context.Context, rec *ReadRecord) (dup bool, hits int, err error) {
	err = s.st.Update(ctx, func(tx Tx) error {
		hits = 0
		var err error
		dup, err = s.storeRead(tx, rec, &hits)
		return err
	})
	if err == nil {
		s.alertsStored(hits)
	}
	return dup, hits, err
}

// IngestRead stores a read through the same validation as POST /v1/reads
// (the live demo cameras use it); cameraless callers skip the token check.
func (s *Server) IngestRead(ctx context.Context, m api.ReadMeta, jpeg []byte) (dup bool, err error) {
	if e := s.checkMeta(&m, nil, s.now()); e != nil {
		return false, e
	}
	if len(jpeg) > 0 {
		if e := checkPhoto("photo", jpeg, m.PlateBox); e != nil {
			return false, e
		}
	}
	dup, _, err = s.insertRead(ctx, &ReadRecord{Meta: m, Photo: jpeg})
	return dup, err
}

// ingestBatch: POST /v1/reads:batch, NDJSON lines of ReadMeta with
// photo_base64. Valid lines are stored; each bad line is named.
func (s *Server) ingestBatch(w http.ResponseWriter, r *http.Request, sess *session) error {
	if r.ContentLength > maxBatchBytes {
		w.Header().Set("Connection", "close")
		return tooLarge(maxBatchBytes)
	}
	sc := bufio.NewScanner(http.MaxBytesReader(w, r.Body, maxBatchBytes))
	sc.Buffer(make([]byte, 64<<10), maxBatchLine)
	resp := api.BatchResponse{Rejected: []api.BatchError{}}
	var pending []*ReadRecord
	var lines []int // pending[i] came from line lines[i]
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		var accepted, dups, hits int
		var rejected []api.BatchError
		err := s.st.Update(r.Context(), func(tx Tx) error {
			accepted, dups, hits, rejected = 0, 0, 0, nil
			for i, rec := range pending {
				dup, err := s.storeRead(tx, rec, &hits)
				var refusal *api.Error
				if errors.As(err, &refusal) { // nothing of this line was written
					rejected = append(rejected, api.BatchError{Line: lines[i], ID: rec.Meta.ID,
						Error: api.ErrorBody{Code: refusal.Code, Message: refusal.Message}})
					continue
				}
				if err != nil {
					return err
				}
				if dup {
					dups++
				} else {
					accepted++
				}
			}
			return nil
		})
		pending, lines = pending[:0], lines[:0]
		if err == nil {
			resp.Rejected = append(resp.Rejected, rejected...)
			resp.Accepted, resp.Duplicates, resp.Alerts = resp.Accepted+accepted, resp.Duplicates+dups, resp.Alerts+hits
			s.alertsStored(hits)
		}
		return err
	}
	now := s.now()
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		rec, e := s.batchLine(text, sess.camera, now)
		if e != nil {
			resp.Rejected = append(resp.Rejected, api.BatchError{Line: line, ID: rec.Meta.ID, Error: api.ErrorBody{Code: e.Code, Message: e.Message}})
			continue
		}
		lines = append(lines, line)
		if pending = append(pending, rec); len(pending) >= ingestChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge(maxBatchBytes)
		}
		if errors.Is(err, bufio.ErrTooLong) {
			return api.E(api.CodeTooLarge, "Line %d is longer than a read with a 2 MiB photo can be.", line+1)
		}
		return api.E(api.CodeMalformedJSON, "The batch could not be read after line %d: %v.", line, err)
	}
	if err := flush(); err != nil {
		return err
	}
	slices.SortStableFunc(resp.Rejected, func(a, b api.BatchError) int { return a.Line - b.Line })
	return writeJSON(w, http.StatusOK, resp)
}

// batchLine decodes and validates one NDJSON line.
func (s *Server) batchLine(text []byte, cam *api.Camera, now time.Time) (*ReadRecord, *api.Error) {
	rec := &ReadRecord{}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec.Meta); err != nil {
		return rec, jsonError(err)
	}
	photo := rec.Meta.PhotoBase64
	if e := s.checkMeta(&rec.Meta, cam, now); e != nil {
		return rec, e
	}
	if photo == "" {
		return rec, invalid("photo_base64", "is required: every read carries its photo (a JPEG, base64).")
	}
	b, err := base64.StdEncoding.DecodeString(photo)
	if err != nil {
		return rec, invalid("photo_base64", "is not base64 (standard alphabet).")
	}
	if len(b) > MaxPhotoBytes {
		return rec, api.E(api.CodeTooLarge, "The photo is larger than 2 MiB.")
	}
	rec.Photo = b
	if e := checkPhoto("photo_base64", rec.Photo, rec.Meta.PlateBox); e != nil {
		return rec, e
	}
	return rec, nil
}
