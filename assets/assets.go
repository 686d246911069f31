// Package assets holds files the alprdesk binaries carry: the application
// icon (drawn by icon_gen.go; FyneApp.toml names the same file for
// packaging).
package assets

import _ "embed"

// Icon is assets/icon.png, the application icon (512x512 PNG).
//
//go:embed icon.png
var Icon []byte
