package api

import (
	"slices"
	"strings"
	"unicode"
)

// KnownMakes are the vehicle makes a hotlist entry's free-text description
// is read for, as cameras report them. Each make is matched as whole words,
// case-insensitively; MakeAliases adds the usual short forms.
var KnownMakes = []string{
	"Acura", "Audi", "BMW", "Buick", "Cadillac", "Chevrolet", "Chrysler", "Dodge", "Fiat",
	"Ford", "Freightliner", "Genesis", "Gillig", "GMC", "Harley-Davidson", "Hino", "Honda",
	"Hyundai", "Infiniti", "Isuzu", "Jaguar", "Jeep", "Kawasaki", "Kia", "Land Rover", "Lexus",
	"Lincoln", "Mazda", "Mercedes-Benz", "Mini", "Mitsubishi", "New Flyer", "Nissan",
	"Porsche", "Ram", "Subaru", "Tesla", "Toyota", "Volkswagen", "Volvo", "Yamaha",
}

// MakeAliases maps short forms of a make (lower case) to the make.
var MakeAliases = map[string]string{
	"chevy": "Chevrolet", "vw": "Volkswagen", "mercedes": "Mercedes-Benz", "benz": "Mercedes-Benz",
	"harley": "Harley-Davidson", "merc": "Mercedes-Benz",
}

// colorAliases maps other spellings of a colour to the policy's word.
var colorAliases = map[string]string{"grey": "gray", "tan": "beige", "maroon": "red", "navy": "blue"}

// descWords splits a description into lower-case words of letters and
// digits (hyphens split words too).
func descWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// containsWords reports whether words holds phrase's words in a row.
func containsWords(words, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(words); i++ {
		if slices.Equal(words[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// DescribedVehicle returns the colours (of colors, the policy's list) and
// the makes (of KnownMakes) that a free-text vehicle description names.
func DescribedVehicle(desc string, colors []string) (named []string, makes []string) {
	words := descWords(desc)
	for _, w := range words {
		c := w
		if a, ok := colorAliases[w]; ok {
			c = a
		}
		if slices.Contains(colors, c) && !slices.Contains(named, c) {
			named = append(named, c)
		}
		if m, ok := MakeAliases[w]; ok && !slices.Contains(makes, m) {
			makes = append(makes, m)
		}
	}
	for _, m := range KnownMakes {
		if containsWords(words, descWords(m)) && !slices.Contains(makes, m) {
			makes = append(makes, m)
		}
	}
	return named, makes
}

// DescriptionMatch compares an entry's vehicle description with a read's
// make and colour: DescriptionNo when the description names colours or
// makes and none is the read's (a read without a make or colour cannot
// conflict on it); DescriptionYes when it names the read's make or colour and
// nothing conflicts; DescriptionUnknown otherwise.
func DescriptionMatch(desc, readMake, readColor string, colors []string) string {
	named, makes := DescribedVehicle(desc, colors)
	readColor = strings.ToLower(strings.TrimSpace(readColor))
	if a, ok := colorAliases[readColor]; ok {
		readColor = a
	}
	colorYes := readColor != "" && slices.Contains(named, readColor)
	colorNo := readColor != "" && len(named) > 0 && !colorYes
	makeYes := readMake != "" && slices.ContainsFunc(makes, func(m string) bool { return strings.EqualFold(m, strings.TrimSpace(readMake)) })
	makeNo := readMake != "" && len(makes) > 0 && !makeYes
	switch {
	case colorNo || makeNo:
		return DescriptionNo
	case colorYes || makeYes:
		return DescriptionYes
	}
	return DescriptionUnknown
}
