// Package glyphcheck finds characters in Go string literals that a set of
// bundled fonts cannot draw. A glyph missing from the bundled fonts is looked
// up in the system's fonts, and a machine without one (Windows under Wine, a
// minimal Linux install) draws it as U+FFFD; tests use this package to keep
// every user-visible string inside the fonts the program ships with.
package glyphcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// Missing walks the non-test Go files under root (skipping the directories
// named in skip, relative to root) and returns one line per string literal
// character that at least one of the fonts lacks, as "file:line: 'c' U+XXXX".
func Missing(root string, skip []string, fonts ...[]byte) ([]string, error) {
	parsed := make([]*sfnt.Font, 0, len(fonts))
	for i, b := range fonts {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("font %d: %w", i, err)
		}
		parsed = append(parsed, f)
	}
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			for _, s := range skip {
				if filepath.ToSlash(rel) == s {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
				return true
			}
			out = append(out, missingIn(fset, lit, parsed)...)
			return true
		})
		return nil
	})
	return out, err
}

// missingIn lists the characters of one literal that a font cannot draw.
func missingIn(fset *token.FileSet, lit *ast.BasicLit, fonts []*sfnt.Font) []string {
	var s string
	if lit.Kind == token.CHAR {
		r, _, _, err := strconv.UnquoteChar(strings.Trim(lit.Value, "'"), '\'')
		if err != nil {
			return nil
		}
		s = string(r)
	} else if u, err := strconv.Unquote(lit.Value); err == nil {
		s = u
	}
	var out []string
	var buf sfnt.Buffer
	for _, r := range s {
		if r < 0x80 || !unicode.IsGraphic(r) {
			continue
		}
		for _, f := range fonts {
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				out = append(out, fmt.Sprintf("%s: %q U+%04X", fset.Position(lit.Pos()), r, r))
				break
			}
		}
	}
	return out
}
