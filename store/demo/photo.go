package demo

import (
	"alprdesk/api"
)

// Photo draws the photo of a read: a 640x360 JPEG.
func (w *World) Photo(r api.Read) ([]byte, error) {
	return nil, nil
}
