package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// prefTheme keeps the theme chosen in the session.Session menu.
const prefTheme = "theme"

// Theme choices: the system's light or dark variant, or one forced.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// variantTheme is Fyne's default theme with its light or dark variant
// forced, whatever the system says.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

// Color gives the default theme's colour of the forced variant.
func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// applyTheme sets the app's theme to a choice (system: the default theme,
// which follows the system's variant).
func applyTheme(fa fyne.App, choice string) {
	switch choice {
	case themeLight:
		fa.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	case themeDark:
		fa.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	default:
		fa.Settings().SetTheme(theme.DefaultTheme())
	}
}

// themeItem is the session.Session menu's theme choice: system, light or dark,
// kept for the next start.
func (m *MainScreen) themeItem() *fyne.MenuItem {
	fa := m.app.fa
	item := fyne.NewMenuItem("Theme", nil)
	var kids []*fyne.MenuItem
	for _, c := range []struct{ id, label string }{{themeSystem, "Follow the system"}, {themeLight, "Light"}, {themeDark, "Dark"}} {
		k := fyne.NewMenuItem(c.label, nil)
		k.Checked = fa.Preferences().StringWithFallback(prefTheme, themeSystem) == c.id
		id := c.id
		k.Action = func() {
			fa.Preferences().SetString(prefTheme, id)
			applyTheme(fa, id)
			for _, o := range kids {
				o.Checked = o == k
			}
		}
		kids = append(kids, k)
	}
	item.ChildMenu = fyne.NewMenu("", kids...)
	return item
}
