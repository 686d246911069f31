package cache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"alprdesk/api"
	"alprdesk/client"
)

// Outbox item kinds.
const (
	// KindVerification: a VerificationItem.
	KindVerification = "verification"
	// KindHotlistRequest: an api.HotlistRequestBody.
	KindHotlistRequest = "hotlist_request"
)

// OutboxItem is a write waiting for the store. ID is generated here
// before anything is sent and is the Idempotency-Key of every attempt, so
// the store records it once however often it is sent.
type OutboxItem struct {
	ID        string
	Kind      string
	Payload   json.RawMessage
	CreatedAt time.Time
	Attempts  int
	// LastError is the last transient failure ("" if none yet).
	LastError string
}

// VerificationItem is the payload of a KindVerification item.
type VerificationItem struct {
	ReadID  string                  `json:"read_id"`
	Request api.VerificationRequest `json:"request"`
}

// Refusal is an outbox item the store refused for good (e.g. the read was
// purged, or the search belongs to someone else): kept for the UI to show
// until dismissed or past the retention period.
type Refusal struct {
	Item    OutboxItem
	At      time.Time
	Code    string
	Message string
}

// DeliverReport sums up one Deliver.
type DeliverReport struct {
	Delivered, Refused, Pending int
}

// Enqueue stores a write (payload marshalled as JSON) before it is sent,
// and returns it with its new id. The item survives crashes.
func (c *Cache) Enqueue(kind string, payload any) (OutboxItem, error) {
	p, err := json.Marshal(payload)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("cache: outbox payload: %w", err)
	}
	it := OutboxItem{ID: uuid.NewString(), Kind: kind, Payload: p, CreatedAt: c.now().UTC()}
	sealed, err := c.box.sealJSON(it, "outbox:"+it.ID)
	if err != nil {
		return OutboxItem{}, err
	}
	_, err = c.db.Exec(`INSERT INTO outbox(id, kind, created_at, data) VALUES(?, ?, ?, ?)`,
		it.ID, kind, it.CreatedAt.Unix(), sealed)
	if err != nil {
		return OutboxItem{}, err
	}
	return it, nil
}

// EnqueueVerification queues a verification of readID.
func (c *Cache) EnqueueVerification(readID string, req api.VerificationRequest) (OutboxItem, error) {
	return c.Enqueue(KindVerification, VerificationItem{ReadID: readID, Request: req})
}

// EnqueueHotlistRequest queues a hotlist request.
func (c *Cache) EnqueueHotlistRequest(req api.HotlistRequestBody) (OutboxItem, error) {
	return c.Enqueue(KindHotlistRequest, req)
}

// Pending lists the outbox in delivery order.
func (c *Cache) Pending() ([]OutboxItem, error) {
	rows, err := c.db.Query(`SELECT id, attempts, last_error, data FROM outbox ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var id, lastErr string
		var attempts int
		var data []byte
		if err := rows.Scan(&id, &attempts, &lastErr, &data); err != nil {
			return nil, err
		}
		var it OutboxItem
		if err := c.box.openJSON(data, "outbox:"+id, &it); err != nil {
			return nil, err
		}
		it.Attempts, it.LastError = attempts, lastErr
		out = append(out, it)
	}
	return out, rows.Err()
}

// Deliver sends the outbox in order with send. An item is removed when
// send succeeds, or when it fails permanently (client.IsPermanent: the
// store refused it for good; the refusal is recorded, see Refusals).
// Any other failure (offline, TLS, 5xx, session ended) keeps the item and
// stops the delivery; Deliver then returns that error with the report.
// Only one Deliver runs at a time.
func (c *Cache) Deliver(ctx context.Context, send func(context.Context, OutboxItem) error) (DeliverReport, error) {
	c.deliverMu.Lock()
	defer c.deliverMu.Unlock()
	var rep DeliverReport
	items, err := c.Pending()
	if err != nil {
		return rep, err
	}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			rep.Pending = len(items) - i
			return rep, err
		}
		serr := send(ctx, it)
		switch {
		case serr == nil:
			_, err = c.db.Exec(`DELETE FROM outbox WHERE id = ?`, it.ID)
			rep.Delivered++
		case client.IsPermanent(serr):
			err = c.refuse(it, serr)
			rep.Refused++
		default:
			_, _ = c.db.Exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`, serr.Error(), it.ID)
			rep.Pending = len(items) - i
			return rep, serr
		}
		if err != nil {
			rep.Pending = len(items) - i - 1
			return rep, err
		}
	}
	return rep, nil
}

// refuse moves an item from the outbox to the refusals, in one transaction.
func (c *Cache) refuse(it OutboxItem, why error) error {
	code := ""
	var ce *client.Error
	if errors.As(why, &ce) {
		code = ce.Code
	}
	msg, err := c.box.seal([]byte(why.Error()), "refusal-msg:"+it.ID)
	if err != nil {
		return err
	}
	data, err := c.box.sealJSON(it, "refusal:"+it.ID)
	if err != nil {
		return err
	}
	tx, err := c.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT OR REPLACE INTO refusals(id, kind, at, code, message, data) VALUES(?, ?, ?, ?, ?, ?)`,
		it.ID, it.Kind, c.now().Unix(), code, msg, data); err != nil {
		return err
	}
	if _, err := tx.Exec(`DELETE FROM outbox WHERE id = ?`, it.ID); err != nil {
		return err
	}
	return tx.Commit()
}

// Refusals lists the recorded permanent refusals, oldest first.
func (c *Cache) Refusals() ([]Refusal, error) {
	rows, err := c.db.Query(`SELECT id, at, code, message, data FROM refusals ORDER BY at, rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Refusal
	for rows.Next() {
		var id, code string
		var at int64
		var msg, data []byte
		if err := rows.Scan(&id, &at, &code, &msg, &data); err != nil {
			return nil, err
		}
		r := Refusal{At: time.Unix(at, 0).UTC(), Code: code}
		m, err := c.box.open(msg, "refusal-msg:"+id)
		if err != nil {
			return nil, err
		}
		r.Message = string(m)
		if err := c.box.openJSON(data, "refusal:"+id, &r.Item); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DismissRefusal forgets a refusal the user has seen.
func (c *Cache) DismissRefusal(id string) error {
	_, err := c.db.Exec(`DELETE FROM refusals WHERE id = ?`, id)
	return err
}

// SendWith is the usual send function for Deliver: it sends each item with
// cl, using the item's ID as the Idempotency-Key.
func SendWith(cl *client.Client) func(context.Context, OutboxItem) error {
	return func(ctx context.Context, it OutboxItem) error {
		key := client.WithIdempotencyKey(it.ID)
		switch it.Kind {
		case KindVerification:
			var v VerificationItem
			if err := json.Unmarshal(it.Payload, &v); err != nil {
				return &client.Error{Status: 400, Code: api.CodeMalformedJSON, Message: "The queued verification is damaged: " + err.Error()}
			}
			_, err := cl.Verify(ctx, v.ReadID, v.Request, key)
			return err
		case KindHotlistRequest:
			var h api.HotlistRequestBody
			if err := json.Unmarshal(it.Payload, &h); err != nil {
				return &client.Error{Status: 400, Code: api.CodeMalformedJSON, Message: "The queued hotlist request is damaged: " + err.Error()}
			}
			_, err := cl.RequestHotlist(ctx, h, key)
			return err
		}
		return &client.Error{Status: 400, Code: api.CodeInvalidField, Message: fmt.Sprintf("Unknown outbox item kind %q.", it.Kind)}
	}
}

// DeliverEvery runs Deliver now and then every period until ctx ends,
// reporting each run that did something or failed (report may be nil). A
// typical UI runs it in a goroutine with SendWith(client) and shows the
// report in the status line; it also calls Deliver right after Enqueue.
func (c *Cache) DeliverEvery(ctx context.Context, every time.Duration, send func(context.Context, OutboxItem) error,
	report func(DeliverReport, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rep, err := c.Deliver(ctx, send)
		if ctx.Err() != nil {
			return
		}
		if report != nil && (err != nil || rep.Delivered+rep.Refused > 0) {
			report(rep, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendOrQueue stores a write in the outbox first, then delivers the outbox
// in order (earlier waiting items first, so a newer verdict never lands
// before an older one) with send. For the new item it reports:
//   - queued false, err nil: the store accepted it;
//   - queued false, err a permanent refusal: the store refused it (the
//     error carries the store's sentence; no refusal is kept, the caller
//     shows it at once);
//   - queued true, err why (offline, session ended, ...): it waits in the
//     outbox, safe across restarts, and goes with the next Deliver.
func (c *Cache) SendOrQueue(ctx context.Context, kind string, payload any, send func(context.Context, OutboxItem) error) (queued bool, err error) {
	it, err := c.Enqueue(kind, payload)
	if err != nil {
		return false, err
	}
	var mine error
	reached := false
	_, derr := c.Deliver(ctx, func(ctx context.Context, x OutboxItem) error {
		err := send(ctx, x)
		if x.ID == it.ID {
			reached, mine = true, err
		}
		return err
	})
	switch {
	case reached && mine == nil:
		return false, nil
	case reached && client.IsPermanent(mine):
		_ = c.DismissRefusal(it.ID)
		return false, mine
	case reached:
		return true, mine
	case derr != nil:
		return true, derr
	}
	return true, errors.New("cache: the outbox was not delivered")
}

// VerifyOrQueue records a verdict through the outbox (see SendOrQueue): it
// returns the store's answer when delivered now, or queued true when the
// verdict waits for the store. The idempotency key is the outbox item's,
// so a verdict is recorded once however often it is retried.
func (c *Cache) VerifyOrQueue(ctx context.Context, cl *client.Client, readID string, req api.VerificationRequest) (v *api.Verification, queued bool, err error) {
	send := SendWith(cl)
	queued, err = c.SendOrQueue(ctx, KindVerification, VerificationItem{ReadID: readID, Request: req},
		func(ctx context.Context, it OutboxItem) error {
			if it.Kind != KindVerification {
				return send(ctx, it)
			}
			var vi VerificationItem
			if err := json.Unmarshal(it.Payload, &vi); err != nil || vi.ReadID != readID || vi.Request != req {
				return send(ctx, it)
			}
			got, err := cl.Verify(ctx, vi.ReadID, vi.Request, client.WithIdempotencyKey(it.ID))
			if err == nil {
				v = got
			}
			return err
		})
	if queued || err != nil {
		v = nil
	}
	return v, queued, err
}
