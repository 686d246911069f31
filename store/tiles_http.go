package store

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"alprdesk/store/tiles"
)

// tileSource draws basemap tiles.
type tileSource interface {
	Tile(z, x, y int) ([]byte, error)
}

func loadTiles(path string) (tileSource, error) {
	r, err := tiles.Load(path)
	if err != nil {
		return nil, fmt.Errorf("store: basemap %s: %w", path, err)
	}
	return r, nil
}

// tile: GET /tiles/{z}/{x}/{y}.png.
func (s *Server) tile(w http.ResponseWriter, r *http.Request, _ *session) error {
	file := r.PathValue("file")
	z, errZ := strconv.Atoi(r.PathValue("z"))
	x, errX := strconv.Atoi(r.PathValue("x"))
	y, errY := strconv.Atoi(strings.TrimSuffix(file, ".png"))
	if !strings.HasSuffix(file, ".png") || errZ != nil || errX != nil || errY != nil {
		return notFoundErr("There is no tile %s/%s/%s; tiles are /tiles/{z}/{x}/{y}.png.", r.PathValue("z"), r.PathValue("x"), file)
	}
	if s.tiles == nil {
		return notFoundErr("This store has no basemap data; use another tile source.")
	}
	png, err := s.tiles.Tile(z, x, y)
	if errors.Is(err, tiles.ErrNoTile) {
		return notFoundErr("There is no tile %d/%d/%d: the basemap covers zoom 11 to 17 inside its bounds.", z, x, y)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err = w.Write(png)
	return err
}
