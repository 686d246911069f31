package cache_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"alprdesk/api"
	"alprdesk/cache"
	"alprdesk/client"
)

// Example shows a workstation session from start to a verdict: sign in
// from the keyring (or with the password), open the user's encrypted cache
// under the keyring's key (in memory without a keyring), search, cache the
// answer, and record a verdict through the outbox.
func Example() {
	ctx := context.Background()
	cl, err := client.New(client.Config{BaseURL: "https://alpr.agency.example"})
	if err != nil {
		fmt.Println(err) // ErrInsecure for http:// off loopback
		return
	}
	k := client.NewKeyring(cl)
	username, password := "detective", "from the login form"

	_, err = cl.SignInFromKeyring(ctx, k, username)
	switch {
	case err == nil: // signed in without a password
	case errors.Is(err, client.ErrSessionLocked):
		// show the lock screen; its password goes to LoginAndRemember
	default: // ErrNoSavedSession, ErrSessionExpired, ErrNoKeyring, ErrOffline...
		_, err = cl.LoginAndRemember(ctx, k, username, password)
		if err != nil && !errors.Is(err, client.ErrNoKeyring) {
			fmt.Println(err) // the store's sentence: wrong password, locked account...
			return
		}
	}

	opt := cache.Options{Store: cl.Host(), User: username}
	var c *cache.Cache
	if key, kerr := k.CacheKey(); kerr == nil {
		opt.Key = key
		dir, _ := cache.DefaultDir()
		c, err = cache.Open(dir, opt)
		var moved *cache.OpenError
		if errors.As(err, &moved) && moved.MovedTo != "" {
			c, err = cache.Open(dir, opt) // the damaged file was kept aside; start afresh
		}
	} else {
		c, err = cache.OpenMemory(opt) // no keyring: nothing on disk
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if p, err := cl.Policy(ctx); err == nil {
		c.SetRetentionDays(p.RetentionDays)
	}
	go c.DeliverEvery(ctx, time.Minute, cache.SendWith(cl), nil)

	req := api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
		Purpose: "Armed robbery at 73rd Ave; silver Toyota seen leaving"}, Plate: "7AB*"}
	res, err := cl.Search(ctx, req)
	if errors.Is(err, client.ErrProhibitedPurpose) || errors.Is(err, client.ErrPurposeTooVague) {
		fmt.Println(err) // show inline in the case bar
		return
	}
	if err != nil {
		return
	}
	c.PutSearch(req, res)
	c.AddRecentCase(req.CaseContext)
	for _, r := range res.Results {
		if jpeg, err := cl.Photo(ctx, r.ID, client.BySearch(res.SearchID)); err == nil {
			c.PutPhoto(r.ID, r.CapturedAt, jpeg)
		}
	}
	if len(res.Results) > 0 {
		r := res.Results[0]
		_, queued, err := c.VerifyOrQueue(ctx, cl, r.ID, api.VerificationRequest{SearchID: res.SearchID, Status: api.VerifyConfirmed})
		if queued {
			fmt.Println("saved; it will be sent when the store is back")
		} else if err != nil {
			fmt.Println(err)
		}
	}
}
