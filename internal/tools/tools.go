//go:build tools

// Package tools pins modules that the project's packages adopt over time, so
// that go.mod stays stable while several parts are built at once.
package tools

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/dialog"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/flopp/go-staticmaps"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/go-pdf/fpdf"
	_ "github.com/go-resty/resty/v2"
	_ "github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/zalando/go-keyring"
	_ "golang.org/x/crypto/bcrypt"
	_ "golang.org/x/image/font/opentype"
)
