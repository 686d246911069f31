package mapview

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	_ "image/jpeg" // third-party tile servers may answer JPEG
)

// Memory cache sizes: decoded tiles are 256 KB each.
const (
	memTiles       = 96
	failedTileTTL  = 20 * time.Second
	maxTileBytes   = 4 << 20
	fetchParallel  = 6
	defaultTimeout = 8 * time.Second
	tileSize       = 256
)

type tileID struct {
	url     string // the TileURL pattern
	z, x, y int
}

// tileStore is the process-wide memory cache of decoded tiles, plus the
// tiles that recently failed, so a dead tile server costs one try per
// tile every failedTileTTL rather than one per render.
type tileStore struct {
	mu     sync.Mutex
	items  map[tileID]*list.Element
	lru    *list.List // of *memTile, most recent first
	failed map[tileID]time.Time
	max    int
}

type memTile struct {
	id  tileID
	img *image.RGBA
}

var memCache = newTileStore(memTiles)

func newTileStore(n int) *tileStore {
	return &tileStore{items: map[tileID]*list.Element{}, lru: list.New(), failed: map[tileID]time.Time{}, max: n}
}

func (s *tileStore) get(id tileID) (img *image.RGBA, failedRecently bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.items[id]; ok {
		s.lru.MoveToFront(el)
		return el.Value.(*memTile).img, false
	}
	if until, ok := s.failed[id]; ok {
		if time.Now().Before(until) {
			return nil, true
		}
		delete(s.failed, id)
	}
	return nil, false
}

func (s *tileStore) put(id tileID, img *image.RGBA) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.failed, id)
	if el, ok := s.items[id]; ok {
		el.Value.(*memTile).img = img
		s.lru.MoveToFront(el)
		return
	}
	s.items[id] = s.lru.PushFront(&memTile{id, img})
	for s.lru.Len() > s.max {
		old := s.lru.Remove(s.lru.Back()).(*memTile)
		delete(s.items, old.id)
	}
}

func (s *tileStore) fail(id tileID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed[id] = time.Now().Add(failedTileTTL)
}

// reset empties the cache (tests).
func (s *tileStore) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = map[tileID]*list.Element{}
	s.lru.Init()
	s.failed = map[tileID]time.Time{}
}

// fetcher gets tiles for one render: memory, then disk, then HTTP.
type fetcher struct {
	url    string
	dir    string // disk cache for this URL pattern, "" for none
	client *http.Client
}

func newFetcher(opt Options) *fetcher {
	f := &fetcher{url: opt.TileURL, client: opt.Client}
	if f.client == nil {
		f.client = &http.Client{Timeout: defaultTimeout}
	}
	if opt.CacheDir != "" {
		sum := sha256.Sum256([]byte(opt.TileURL))
		f.dir = filepath.Join(opt.CacheDir, hex.EncodeToString(sum[:8]))
	}
	return f
}

// fetchAll gets every tile in ids concurrently. Tiles that cannot be had
// are left out; only ctx's end is an error.
func (f *fetcher) fetchAll(ctx context.Context, ids []tileID) (map[tileID]*image.RGBA, error) {
	out := make(map[tileID]*image.RGBA, len(ids))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, fetchParallel)
	for _, id := range ids {
		if img, failed := memCache.get(id); img != nil || failed {
			if img != nil {
				out[id] = img
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			img, err := f.fetch(ctx, id)
			if err != nil {
				if ctx.Err() == nil {
					memCache.fail(id)
				}
				return
			}
			memCache.put(id, img)
			mu.Lock()
			out[id] = img
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (f *fetcher) path(id tileID) string {
	return filepath.Join(f.dir, strconv.Itoa(id.z), strconv.Itoa(id.x), strconv.Itoa(id.y)+".png")
}

// fetch reads one tile from the disk cache or the tile server.
func (f *fetcher) fetch(ctx context.Context, id tileID) (*image.RGBA, error) {
	if f.dir != "" {
		if b, err := os.ReadFile(f.path(id)); err == nil {
			if img, err := decodeTile(b); err == nil {
				return img, nil
			}
		}
	}
	b, err := f.download(ctx, id)
	if err != nil {
		return nil, err
	}
	img, err := decodeTile(b)
	if err != nil {
		return nil, err
	}
	if f.dir != "" {
		f.save(id, b) // a cache that cannot be written only costs speed
	}
	return img, nil
}

func (f *fetcher) download(ctx context.Context, id tileID) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(f.url, id.z, id.x, id.y), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "alprdesk-mapview/1")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("tile %d/%d/%d: %s", id.z, id.x, id.y, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxTileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxTileBytes {
		return nil, fmt.Errorf("tile %d/%d/%d: larger than %d bytes", id.z, id.x, id.y, maxTileBytes)
	}
	return b, nil
}

func (f *fetcher) save(id tileID, b []byte) {
	p := f.path(id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tile-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}

// decodeTile decodes a tile image into RGBA (the fast path for drawing).
func decodeTile(b []byte) (*image.RGBA, error) {
	var src image.Image
	var err error
	if bytes.HasPrefix(b, []byte("\x89PNG")) {
		src, err = png.Decode(bytes.NewReader(b))
	} else {
		src, _, err = image.Decode(bytes.NewReader(b))
	}
	if err != nil {
		return nil, err
	}
	if b := src.Bounds(); b.Dx() != tileSize || b.Dy() != tileSize {
		return nil, fmt.Errorf("tile is %dx%d pixels, want %dx%d", b.Dx(), b.Dy(), tileSize, tileSize)
	}
	return washTile(src), nil
}

// wash is laid over tiles so the markers and path stand out.
var wash = image.NewUniform(color.NRGBA{0xff, 0xff, 0xff, 0x40})

// washTile returns the tile as opaque RGBA (over the map's light grey
// where it is transparent) under the white wash, ready to copy.
func washTile(src image.Image) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, tileSize, tileSize))
	draw.Draw(dst, dst.Rect, image.NewUniform(color.RGBA{0xe9, 0xe7, 0xe2, 0xff}), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Rect, src, src.Bounds().Min, draw.Over)
	draw.Draw(dst, dst.Rect, wash, image.Point{}, draw.Over)
	return dst
}
