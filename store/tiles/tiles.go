// Package tiles renders the store's own basemap: 256-pixel XYZ (web
// mercator) PNG tiles drawn on demand from a GeoJSON extract of
// OpenStreetMap data (the shape of /work/shared/data/oakland-basemap.geojson.gz:
// properties.layer names the layer), cached in memory.
//
// The store serves them at /tiles/{z}/{x}/{y}.png so that workstations never
// have to ask a third-party tile server where investigators are looking.
// Every map drawn from the data must show Attribution.
package tiles

import (
	"container/list"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// Attribution must be shown on every map drawn from OpenStreetMap data.
const Attribution = "© OpenStreetMap contributors"

// Zoom levels the renderer draws.
const (
	MinZoom = 11
	MaxZoom = 17
)

// TileSize is the width and height of a tile in pixels.
const TileSize = 256

// DefaultCacheBytes bounds the in-memory cache of encoded tiles.
const DefaultCacheBytes = 32 << 20

// ErrNoTile is returned for a zoom outside MinZoom..MaxZoom or a tile that
// does not touch the data's bounds; the store answers 404 for it.
var ErrNoTile = errors.New("tiles: no tile there (zoom 11..17 inside the basemap's bounds)")

// Renderer draws tiles from loaded basemap data. It is safe for concurrent
// use: data is read-only after Load; the cache is locked; concurrent
// requests for one tile render it once.
type Renderer struct {
	idx        *gridIndex
	labelZooms [MaxZoom - MinZoom + 1]zoomLabels

	mu       sync.Mutex
	cache    map[tileKey]*list.Element
	lru      *list.List // of *cacheEntry, most recent first
	bytes    int
	maxBytes int
	inflight map[tileKey]*call
	stats    Stats
}

// Stats counts what a Renderer has done.
type Stats struct {
	Features  int           // drawable features loaded
	Skipped   int           // features of unknown layers, ignored
	LoadTime  time.Duration // reading, parsing and indexing
	Rendered  int64         // tiles drawn
	CacheHits int64         // tiles answered from the cache
}

type tileKey struct{ z, x, y int }

type cacheEntry struct {
	key tileKey
	png []byte
}

type call struct {
	done chan struct{}
	png  []byte
	err  error
}

// Load reads a GeoJSON FeatureCollection (plain or gzip-compressed, e.g.
// oakland-basemap.geojson.gz) and indexes it for rendering. Features of
// layers the renderer does not know are skipped; malformed data is a
// *DataError naming the feature.
func Load(path string) (*Renderer, error) {
	start := time.Now()
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	r, err := build(path, data)
	if err != nil {
		return nil, err
	}
	r.stats.LoadTime = time.Since(start)
	return r, nil
}

// Parse is Load for GeoJSON already in memory (not compressed).
func Parse(data []byte) (*Renderer, error) {
	start := time.Now()
	r, err := build("", data)
	if err != nil {
		return nil, err
	}
	r.stats.LoadTime = time.Since(start)
	return r, nil
}

func build(path string, data []byte) (*Renderer, error) {
	feats, skipped, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	// Drawing order: by layer, then file order.
	sort.SliceStable(feats, func(i, j int) bool { return feats[i].layer < feats[j].layer })
	r := &Renderer{
		idx:      newGridIndex(feats, 64),
		cache:    make(map[tileKey]*list.Element),
		lru:      list.New(),
		maxBytes: DefaultCacheBytes,
		inflight: make(map[tileKey]*call),
	}
	r.stats.Features = len(feats)
	r.stats.Skipped = skipped
	return r, nil
}

// SetCacheBytes bounds the memory cache of encoded tiles (0 disables it).
func (r *Renderer) SetCacheBytes(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.maxBytes = max(0, n)
	r.evict()
}

// Stats reports counts and the load time.
func (r *Renderer) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Bounds returns the data's extent in WGS84 degrees.
func (r *Renderer) Bounds() (minLon, minLat, maxLon, maxLat float64) {
	b := r.idx.bounds
	minLon, maxLat = unproject(pt{b.MinX, b.MinY})
	maxLon, minLat = unproject(pt{b.MaxX, b.MaxY})
	return
}

func unproject(p pt) (lon, lat float64) {
	lon = p.X*360 - 180
	lat = math.Atan(math.Sinh(math.Pi*(1-2*p.Y))) * 180 / math.Pi
	return
}

// tileBox is the extent of tile z/x/y in normalised mercator units.
func tileBox(z, x, y int) bbox {
	n := float64(int(1) << z)
	return bbox{float64(x) / n, float64(y) / n, float64(x+1) / n, float64(y+1) / n}
}

// Tile returns tile z/x/y as PNG bytes: from the cache, or drawn now.
// It returns ErrNoTile outside MinZoom..MaxZoom or the data's bounds.
// The bytes are shared with the cache and other callers: do not modify
// them.
func (r *Renderer) Tile(z, x, y int) ([]byte, error) {
	if z < MinZoom || z > MaxZoom || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, ErrNoTile
	}
	if !tileBox(z, x, y).intersects(r.idx.bounds) {
		return nil, ErrNoTile
	}
	k := tileKey{z, x, y}
	r.mu.Lock()
	if el, ok := r.cache[k]; ok {
		r.lru.MoveToFront(el)
		r.stats.CacheHits++
		b := el.Value.(*cacheEntry).png
		r.mu.Unlock()
		return b, nil
	}
	if c, ok := r.inflight[k]; ok {
		r.mu.Unlock()
		<-c.done
		return c.png, c.err
	}
	c := &call{done: make(chan struct{})}
	r.inflight[k] = c
	r.mu.Unlock()

	c.png, c.err = r.safeRender(z, x, y)

	r.mu.Lock()
	delete(r.inflight, k)
	r.stats.Rendered++
	if c.err == nil {
		r.store(k, c.png)
	}
	r.mu.Unlock()
	close(c.done)
	return c.png, c.err
}

// safeRender draws a tile, turning a panic in the drawing libraries into
// an error so that callers waiting for the same tile are released.
func (r *Renderer) safeRender(z, x, y int) (png []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			png, err = nil, fmt.Errorf("tiles: render %d/%d/%d: panic: %v", z, x, y, p)
		}
	}()
	png, err = r.render(z, x, y)
	if err != nil {
		err = fmt.Errorf("tiles: render %d/%d/%d: %w", z, x, y, err)
	}
	return png, err
}

// store adds a tile to the cache; r.mu is held.
func (r *Renderer) store(k tileKey, png []byte) {
	if len(png) > r.maxBytes {
		return
	}
	r.cache[k] = r.lru.PushFront(&cacheEntry{key: k, png: png})
	r.bytes += len(png)
	r.evict()
}

// evict drops least recently used tiles until the cache fits; r.mu is held.
func (r *Renderer) evict() {
	for r.bytes > r.maxBytes {
		el := r.lru.Back()
		if el == nil {
			return
		}
		e := r.lru.Remove(el).(*cacheEntry)
		delete(r.cache, e.key)
		r.bytes -= len(e.png)
	}
}
