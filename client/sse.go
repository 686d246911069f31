package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// StreamOption adjusts Subscribe.
type StreamOption func(*streamOpts)

type streamOpts struct {
	state   func(connected bool, err error)
	minWait time.Duration
	maxWait time.Duration
	path    string
}

// OnStreamState reports each connect (connected true, err nil) and each
// loss of the stream (connected false, with the reason), e.g. for the
// status line.
func OnStreamState(f func(connected bool, err error)) StreamOption {
	return func(o *streamOpts) { o.state = f }
}

// StreamBackoff sets the reconnect delay bounds (default 500 ms .. 30 s).
// A `retry:` field from the server sets the first delay.
func StreamBackoff(minWait, maxWait time.Duration) StreamOption {
	return func(o *streamOpts) { o.minWait, o.maxWait = minWait, maxWait }
}

// Subscribe follows the alert stream (GET /v1/alerts/stream) until ctx is
// done, calling fn for every `event: hit` in order. It resumes after
// lastEventID ("" for new hits only), reconnects with backoff and sends
// Last-Event-ID (the id of the last hit delivered) so no hit is lost.
// A token_expired answer is refreshed transparently. It returns ctx.Err()
// when ctx ends, or a permanent refusal (ErrUnauthorized after a failed
// refresh, ErrForbidden, ErrNotFound) at once.
func (c *Client) Subscribe(ctx context.Context, lastEventID string, fn func(api.Alert), opts ...StreamOption) error {
	o := streamOpts{minWait: 500 * time.Millisecond, maxWait: 30 * time.Second, path: "/v1/alerts/stream"}
	for _, f := range opts {
		f(&o)
	}
	wait := o.minWait
	for {
		connected := false
		retry := time.Duration(0)
		err := c.streamOnce(ctx, o.path, &lastEventID, fn, func() {
			connected = true
			if o.state != nil {
				o.state(true, nil)
			}
		}, func(d time.Duration) { retry = d })
		if connected {
			wait = o.minWait
		}
		if retry > 0 {
			wait = retry
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var e *Error
		if errors.As(err, &e) && errors.Is(err, ErrTokenExpired) {
			if rerr := c.renew(ctx, c.Tokens().AccessToken); rerr != nil {
				return rerr
			}
			continue
		}
		if errors.As(err, &e) && e.Permanent() || errors.Is(err, ErrUnauthorized) {
			if o.state != nil {
				o.state(false, err)
			}
			return err
		}
		if o.state != nil && (connected || err != nil) {
			o.state(false, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, o.maxWait)
	}
}

// streamOnce connects once and reads events until the stream ends.
func (c *Client) streamOnce(ctx context.Context, path string, lastID *string, fn func(api.Alert), onConnect func(), onRetry func(time.Duration)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL()+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	req.Header.Set(api.HeaderWorkstation, c.cfg.Workstation)
	if tok := c.Tokens().AccessToken; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if *lastID != "" {
		req.Header.Set(api.HeaderLastEventID, *lastID)
	}
	resp, err := c.stream.Do(req)
	if err != nil {
		return transportError(ctx, c.BaseURL(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return decodeError(resp.StatusCode, body)
	}
	onConnect()
	return readEvents(resp.Body, lastID, fn, onRetry)
}

// readEvents parses a text/event-stream body (the subset the store uses:
// id, event, data, retry and comments).
func readEvents(body io.Reader, lastID *string, fn func(api.Alert), onRetry func(time.Duration)) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var id, event string
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if event == "hit" && data.Len() > 0 {
				var a api.Alert
				if err := json.Unmarshal([]byte(data.String()), &a); err == nil {
					fn(a)
					if id == "" {
						id = a.ID
					}
				}
			}
			if id != "" {
				*lastID = id
			}
			id, event = "", ""
			data.Reset()
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // keep-alive comment
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			id = value
		case "event":
			event = value
		case "data":
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(value)
		case "retry":
			if n, err := strconv.Atoi(value); err == nil && n > 0 {
				onRetry(time.Duration(n) * time.Millisecond)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return &Error{Code: CodeOffline, Err: err, Message: "The alert stream was interrupted (" + rootCause(err) + ")."}
	}
	return &Error{Code: CodeOffline, Message: "The store closed the alert stream."}
}
