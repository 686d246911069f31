package cache

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// box seals rows with AES-256-GCM and derives keyed lookup hashes.
type box struct {
	aead    cipher.AEAD
	hashKey []byte
}

func newBox(key []byte) (*box, error) {
	if len(key) != 32 {
		return nil, ErrNoKey
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("alprdesk cache: encryption"))
	encKey := m.Sum(nil)
	m = hmac.New(sha256.New, key)
	m.Write([]byte("alprdesk cache: lookup"))
	hashKey := m.Sum(nil)
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &box{aead: aead, hashKey: hashKey}, nil
}

func newRandomKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return k
}

// seal encrypts plain under a fresh random nonce; ad binds the row to its
// place (table and key), so rows cannot be swapped. Result: nonce||ct.
func (b *box) seal(plain []byte, ad string) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, plain, []byte(ad)), nil
}

var errSealed = errors.New("cache: a sealed row does not open (damaged or moved)")

func (b *box) open(sealed []byte, ad string) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, errSealed
	}
	p, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(ad))
	if err != nil {
		return nil, errSealed
	}
	return p, nil
}

// sealJSON marshals v and seals it.
func (b *box) sealJSON(v any, ad string) ([]byte, error) {
	p, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return b.seal(p, ad)
}

// openJSON opens a sealed row into v.
func (b *box) openJSON(sealed []byte, ad string, v any) error {
	p, err := b.open(sealed, ad)
	if err != nil {
		return err
	}
	return json.Unmarshal(p, v)
}

// lookup is a keyed hash of a lookup key (read ids, case contexts), so that
// no identifier is stored in the clear.
func (b *box) lookup(kind, s string) []byte {
	m := hmac.New(sha256.New, b.hashKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(s))
	return m.Sum(nil)[:16]
}
