package demo

// Searchable vocabularies (docs/POLICY.md, rule 10; the same words as
// api.DefaultPolicy).
const (
	FeatureRoofRack       = "roof_rack"
	FeatureSpareTire      = "spare_tire"
	FeatureCommercialLogo = "commercial_logo"
	FeatureDamage         = "damage"
	FeatureTowHitch       = "tow_hitch"
	FeatureLadderRack     = "ladder_rack"
	FeatureTintedWindows  = "tinted_windows"
)

// Colors are the vehicle colours the demo fleet uses, as the policy names them.
var Colors = []string{"black", "white", "silver", "gray", "red", "blue", "green", "brown", "gold", "yellow", "orange", "purple", "beige"}

// colorWeights are the colours' shares of the fleet (percent, roughly the
// US on-road mix).
var colorWeights = []float64{21, 24, 14, 17, 8, 9, 1.6, 1.2, 0.8, 0.5, 0.6, 0.2, 1.1}

// BodyTypes are the body types the demo fleet uses, as the policy names them.
var BodyTypes = []string{"sedan", "suv", "pickup", "van", "hatchback", "coupe", "wagon", "minivan", "motorcycle", "truck", "bus"}

var bodyWeights = []float64{37, 26, 12, 4, 7, 3, 2, 5, 1.5, 2, 0.5}

// Features are the searchable features, in a fixed order.
var Features = []string{FeatureRoofRack, FeatureSpareTire, FeatureCommercialLogo, FeatureDamage, FeatureTowHitch, FeatureLadderRack, FeatureTintedWindows}

// models lists make and model per body type (index as BodyTypes).
var models = [][][2]string{
	{{"Toyota", "Camry"}, {"Toyota", "Corolla"}, {"Honda", "Civic"}, {"Honda", "Accord"}, {"Nissan", "Altima"}, {"Nissan", "Sentra"}, {"Hyundai", "Elantra"}, {"Chevrolet", "Malibu"}, {"Ford", "Fusion"}, {"Kia", "K5"}, {"Tesla", "Model 3"}, {"BMW", "3 Series"}, {"Mercedes-Benz", "C-Class"}, {"Dodge", "Charger"}, {"Chrysler", "300"}, {"Volkswagen", "Jetta"}},
	{{"Toyota", "RAV4"}, {"Honda", "CR-V"}, {"Ford", "Explorer"}, {"Chevrolet", "Equinox"}, {"Nissan", "Rogue"}, {"Jeep", "Grand Cherokee"}, {"Jeep", "Wrangler"}, {"Tesla", "Model Y"}, {"Subaru", "Forester"}, {"Hyundai", "Tucson"}, {"Kia", "Sportage"}, {"Chevrolet", "Tahoe"}, {"Lexus", "RX"}},
	{{"Ford", "F-150"}, {"Chevrolet", "Silverado"}, {"Toyota", "Tacoma"}, {"Ram", "1500"}, {"Nissan", "Frontier"}, {"Toyota", "Tundra"}},
	{{"Ford", "Transit"}, {"Mercedes-Benz", "Sprinter"}, {"Ram", "ProMaster"}, {"Chevrolet", "Express"}},
	{{"Toyota", "Prius"}, {"Honda", "Fit"}, {"Volkswagen", "Golf"}, {"Nissan", "Leaf"}, {"Chevrolet", "Bolt"}, {"Mini", "Cooper"}},
	{{"Ford", "Mustang"}, {"Chevrolet", "Camaro"}, {"Dodge", "Challenger"}, {"BMW", "4 Series"}},
	{{"Subaru", "Outback"}, {"Volvo", "V60"}, {"Audi", "A4 Allroad"}},
	{{"Honda", "Odyssey"}, {"Toyota", "Sienna"}, {"Chrysler", "Pacifica"}, {"Kia", "Carnival"}},
	{{"Harley-Davidson", "Sportster"}, {"Honda", "CBR500R"}, {"Yamaha", "MT-07"}, {"Kawasaki", "Ninja 400"}},
	{{"Isuzu", "NPR"}, {"Freightliner", "M2"}, {"Hino", "268"}, {"Ford", "F-650"}},
	{{"Gillig", "Low Floor"}, {"New Flyer", "Xcelsior"}},
}

// featureOdds are the chances of each feature (order of Features) per body
// type (order of BodyTypes).
var featureOdds = [][7]float64{
	//  roof  spare logo  dmg   hitch ladder tint
	{0.03, 0, 0.01, 0.06, 0.01, 0, 0.14},    // sedan
	{0.18, 0.05, 0.01, 0.05, 0.12, 0, 0.16}, // suv
	{0.02, 0, 0.10, 0.09, 0.45, 0.12, 0.10}, // pickup
	{0.10, 0, 0.50, 0.07, 0.10, 0.30, 0.05}, // van
	{0.08, 0, 0.01, 0.06, 0.01, 0, 0.08},    // hatchback
	{0, 0, 0, 0.04, 0, 0, 0.25},             // coupe
	{0.45, 0, 0.01, 0.05, 0.06, 0, 0.08},    // wagon
	{0.12, 0, 0.01, 0.06, 0.04, 0, 0.12},    // minivan
	{0, 0, 0, 0.05, 0, 0, 0},                // motorcycle
	{0, 0, 0.80, 0.10, 0.05, 0.05, 0},       // truck
	{0, 0, 0.60, 0.03, 0, 0, 0.20},          // bus
}

// stickerTexts are bumper stickers: drawn in photos, never searchable
// (docs/POLICY.md, rule 10: they can tie a driver to a group).
var stickerTexts = []string{
	"COEXIST", "OAKLAND A'S", "WARRIORS", "I <3 LAKE MERRITT", "BLACK LIVES MATTER",
	"JESUS SAVES", "UNION STRONG", "26.2", "CAL BEARS", "PROUD PARENT", "SAVE THE BAY",
	"VOTE", "BAY AREA", "HONK IF YOU LOVE TACOS", "NRA", "PRIDE", "ROOTS", "STUDENT DRIVER",
	"ISLAM IS PEACE", "RAIDERS", "BERNIE", "SURF", "ADOPT DON'T SHOP", "LOCAL 1245",
}

// states are the states of issuance in the fleet, stateWeights their
// shares (percent).
var states = []string{"CA", "NV", "AZ", "OR", "TX", "WA", "NY", "FL", "UT", "IL"}
var stateWeights = []float64{88, 2.6, 1.8, 1.8, 1.4, 1.4, 0.8, 0.8, 0.7, 0.7}

// vehicle is one member of the fleet.
type vehicle struct {
	plate    string // the true plate
	state    string
	make     string
	model    string
	color    uint8 // index into Colors
	body     uint8 // index into BodyTypes
	features []string
	stickers []uint8 // indexes into stickerTexts
	logo     string  // company name for commercial_logo

	home, work int16    // camera sites
	errands    [3]int16 // camera sites near home
	commuter   bool
	departMin  int16   // habitual departure, minutes after local midnight
	returnMin  int16   // habitual return
	errandRate float32 // errand trips per day before scaling
	activity   float32 // relative chance of driving in the camera area on a day
	planted    int8    // exercise index + 1, or 0
	// switched: from day index switchK down to 0 the vehicle carries the
	// plate of vehicle switchTo (a switched plate).
	switchTo int32
	switchK  int8
}

// hasFeature reports whether the vehicle has a searchable feature.
func (v *vehicle) hasFeature(f string) bool {
	for _, x := range v.features {
		if x == f {
			return true
		}
	}
	return false
}

const (
	letters   = "ABCDEFGHJKLMNPRSTUVWXYZ" // CA issues no I, O or Q
	allLetter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits    = "0123456789"
)

// plateFormats: per state, a format string where 9 is a digit, A a letter.
var plateFormats = map[string][]string{
	"CA": {"9AAA999"},
	"NV": {"999A99", "9AA999"},
	"AZ": {"AAA9999"},
	"OR": {"999AAA", "AAA999"},
	"TX": {"AAA9999"},
	"WA": {"AAA9999"},
	"NY": {"AAA9999"},
	"FL": {"AAAA99", "999AAA"},
	"UT": {"A999AA"},
	"IL": {"AA99999"},
}

// randomPlate draws a plate of the state's format. California plates
// follow the 1ABC234 sequence (first digit mostly 6-9, as on the road
// today); commercial California vehicles carry 1A23456; motorcycles
// 12A3456.
func randomPlate(r *rng, state string, body uint8, commercial bool) string {
	var f string
	switch {
	case state == "CA" && BodyTypes[body] == "motorcycle":
		f = "99A9999"
	case state == "CA" && commercial:
		f = "9A99999"
	default:
		fs := plateFormats[state]
		f = fs[r.intn(len(fs))]
	}
	b := make([]byte, len(f))
	for i := range len(f) {
		switch f[i] {
		case '9':
			b[i] = digits[r.intn(10)]
		default:
			b[i] = letters[r.intn(len(letters))]
		}
	}
	if state == "CA" && f == "9AAA999" {
		b[0] = "56789"[r.pick([]float64{5, 14, 30, 36, 15})]
	}
	return string(b)
}
