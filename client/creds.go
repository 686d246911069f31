package client

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"

	"alprdesk/api"
)

// KeyringService is the keyring service name of every alprdesk entry.
const KeyringService = "alprdesk"

// Credential errors.
var (
	// ErrNoKeyring: the OS keyring cannot be used. The app still works, but
	// asks for the password every time and caches nothing on disk.
	ErrNoKeyring = errors.New("the system keyring is not available: you will be asked for your password each time, and nothing is cached on this computer")
	// ErrNoSavedSession: there is no saved session for this user and store.
	ErrNoSavedSession = errors.New("no saved session: sign in with your password")
	// ErrSessionExpired: the saved session's shift has ended.
	ErrSessionExpired = errors.New("the saved session has ended: sign in with your password")
	// ErrSessionLocked: the saved session was locked (idle lock); the
	// password is needed to unlock it.
	ErrSessionLocked = errors.New("the session is locked: enter your password to unlock")
)

// SavedSession is what the keyring holds for "<username>@<store host>":
// never the password.
type SavedSession struct {
	RefreshToken string    `json:"refresh_token"`
	Expires      time.Time `json:"expires"`
	Locked       bool      `json:"locked"`
}

// Keyring keeps alprdesk's secrets for one store in the OS keyring
// (Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows).
type Keyring struct {
	// Host is the store's host[:port] (Client.Host()).
	Host string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// NewKeyring returns the keyring entries for c's store.
func NewKeyring(c *Client) *Keyring { return &Keyring{Host: c.Host(), Now: time.Now} }

// Account is the keyring account name of username's session.
func (k *Keyring) Account(username string) string { return username + "@" + k.Host }

func (k *Keyring) now() time.Time {
	if k.Now == nil {
		return time.Now()
	}
	return k.Now()
}

// keyringErr maps go-keyring errors: not found stays ErrNoSavedSession,
// anything else is ErrNoKeyring.
func keyringErr(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNoSavedSession
	}
	return fmt.Errorf("%w (%v)", ErrNoKeyring, err)
}

// Load reads username's saved session. Errors: ErrNoSavedSession,
// ErrNoKeyring, or a damaged entry.
func (k *Keyring) Load(username string) (SavedSession, error) {
	var s SavedSession
	v, err := keyring.Get(KeyringService, k.Account(username))
	if err != nil {
		return s, keyringErr(err)
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil || s.RefreshToken == "" {
		return SavedSession{}, fmt.Errorf("the saved session of %s is damaged; sign in with your password", username)
	}
	return s, nil
}

// Save writes username's session (the expiry is capped to one shift from
// now).
func (k *Keyring) Save(username string, s SavedSession) error {
	if limit := k.now().Add(ShiftLength); s.Expires.After(limit) {
		s.Expires = limit
	}
	b, _ := json.Marshal(s)
	if err := keyring.Set(KeyringService, k.Account(username), string(b)); err != nil {
		return keyringErr(err)
	}
	return nil
}

// Delete removes username's session; an absent entry is not an error.
func (k *Keyring) Delete(username string) error {
	err := keyring.Delete(KeyringService, k.Account(username))
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return keyringErr(err)
}

// SetLocked records the idle-lock state with username's saved session, so
// that a restart of a locked session opens locked. Without a saved
// session it returns ErrNoSavedSession.
func (k *Keyring) SetLocked(username string, locked bool) error {
	s, err := k.Load(username)
	if err != nil {
		return err
	}
	s.Locked = locked
	return k.Save(username, s)
}

// CacheKey returns the random 32-byte key of this install's cache for the
// store (account "cache-key@<host>"), creating it on first use. Without a
// keyring it returns ErrNoKeyring: then cache nothing on disk.
func (k *Keyring) CacheKey() ([]byte, error) {
	account := "cache-key@" + k.Host
	v, err := keyring.Get(KeyringService, account)
	if err == nil {
		key, derr := base64.StdEncoding.DecodeString(v)
		if derr == nil && len(key) == 32 {
			return key, nil
		}
		return nil, fmt.Errorf("the cache key in the keyring (%s) is damaged; remove it to start a new cache", account)
	}
	if !errors.Is(err, keyring.ErrNotFound) {
		return nil, keyringErr(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := keyring.Set(KeyringService, account, base64.StdEncoding.EncodeToString(key)); err != nil {
		return nil, keyringErr(err)
	}
	return key, nil
}

// DeleteCacheKey removes the cache key (the cache then cannot be read).
func (k *Keyring) DeleteCacheKey() error {
	err := keyring.Delete(KeyringService, "cache-key@"+k.Host)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return keyringErr(err)
}

// Available reports nil when the keyring can be used, else ErrNoKeyring.
func (k *Keyring) Available() error {
	_, err := keyring.Get(KeyringService, "probe@"+k.Host)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return keyringErr(err)
}

// UseKeyring makes c keep username's session in k: every token rotation
// saves the new refresh token (with the lock state), and Logout deletes
// the entry. Keyring errors inside the hook go to onErr (may be nil). A
// second call replaces the first.
func (c *Client) UseKeyring(k *Keyring, username string, onErr func(error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keyringUser = username
	c.keyringHook = func(t Tokens, locked bool) {
		var err error
		if t.RefreshToken == "" {
			err = k.Delete(username)
		} else {
			err = k.Save(username, SavedSession{RefreshToken: t.RefreshToken, Expires: t.RefreshExpires, Locked: locked})
		}
		if err != nil && onErr != nil {
			onErr(err)
		}
	}
}

// LoginAndRemember signs in with the password (also the way to unlock a
// locked session) and keeps the session in k from then on (UseKeyring).
// When the keyring cannot be used the sign-in still succeeds: it returns
// the answer AND an error matching ErrNoKeyring, which the UI shows before
// going on (nothing is then kept on disk).
func (c *Client) LoginAndRemember(ctx context.Context, k *Keyring, username, password string) (*api.TokenResponse, error) {
	kerr := k.Available()
	if kerr == nil {
		c.UseKeyring(k, username, nil)
	} else {
		c.forgetKeyring()
	}
	tr, err := c.Login(ctx, username, password)
	if err != nil {
		return nil, err
	}
	return tr, kerr
}

// SignInFromKeyring resumes username's saved session without a password:
// when an entry exists, its shift has not ended and it is not locked, the
// refresh token is exchanged (and the rotated one saved). Errors:
// ErrNoSavedSession, ErrNoKeyring, ErrSessionExpired (the entry is then
// deleted), ErrSessionLocked (show the lock screen and unlock with
// LoginAndRemember), or the store's error (ErrOffline: the entry is kept).
func (c *Client) SignInFromKeyring(ctx context.Context, k *Keyring, username string) (*api.TokenResponse, error) {
	s, err := k.Load(username)
	if err != nil {
		return nil, err
	}
	if s.Locked {
		return nil, ErrSessionLocked
	}
	if !k.now().Before(s.Expires) {
		_ = k.Delete(username)
		return nil, ErrSessionExpired
	}
	c.UseKeyring(k, username, nil)
	tr, err := c.Resume(ctx, s.RefreshToken, s.Expires)
	if err != nil {
		if errors.Is(err, ErrUnauthorized) {
			_ = k.Delete(username)
			return nil, fmt.Errorf("%w (%v)", ErrSessionExpired, err)
		}
		return nil, err
	}
	return tr, nil
}

// Lock records the idle lock: the saved session (if any) is marked locked
// so that a restart opens the lock screen. The tokens stay in memory;
// unlock with LoginAndRemember.
func (c *Client) Lock() error {
	c.mu.Lock()
	c.locked = true
	t, hook := c.tokens, c.keyringHook
	c.mu.Unlock()
	if hook != nil && t.RefreshToken != "" {
		hook(t, true)
	}
	return nil
}

// Locked reports whether Lock was called since the last Login.
func (c *Client) Locked() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.locked
}

// forgetKeyring detaches the keyring from the client.
func (c *Client) forgetKeyring() {
	c.mu.Lock()
	c.keyringHook, c.keyringUser = nil, ""
	c.mu.Unlock()
}
