package demo

import (
	"math"

	"alprdesk/api"
)

// site is one built-in camera site: an intersection on an Oakland arterial.
type site struct {
	name     string
	lat, lon float64
}

// cameraSites are the built-in camera sites, at intersection coordinates
// taken from OpenStreetMap street geometry. Their order fixes the camera ids
// (cam-001 is the first). The list never depends on the seed or on basemap
// data.
var cameraSites = []site{
	{"International Blvd & 1st Ave", 37.79869, -122.25718},
	{"International Blvd & 14th Ave", 37.78942, -122.24619},
	{"International Blvd & 23rd Ave", 37.78341, -122.23595},
	{"International Blvd & Fruitvale Ave", 37.77762, -122.22587},
	{"International Blvd & 35th Ave", 37.77612, -122.22274},
	{"International Blvd & High St", 37.77235, -122.21487},
	{"International Blvd & 42nd Ave", 37.77297, -122.21614},
	{"International Blvd & Seminary Ave", 37.76512, -122.19955},
	{"International Blvd & 66th Ave", 37.76227, -122.19356},
	{"International Blvd & 73rd Ave", 37.75917, -122.18703},
	{"International Blvd & 82nd Ave", 37.75556, -122.17944},
	{"International Blvd & 90th Ave", 37.74965, -122.17443},
	{"International Blvd & 98th Ave", 37.74440, -122.17054},
	{"International Blvd & 105th Ave", 37.73927, -122.16674},
	{"Foothill Blvd & 14th Ave", 37.79090, -122.24400},
	{"Foothill Blvd & 23rd Ave", 37.78519, -122.23412},
	{"Foothill Blvd & Fruitvale Ave", 37.78374, -122.22277},
	{"Foothill Blvd & 35th Ave", 37.78220, -122.21913},
	{"Foothill Blvd & High St", 37.77468, -122.21180},
	{"Foothill Blvd & Seminary Ave", 37.77154, -122.19039},
	{"Foothill Blvd & 106th Ave", 37.74465, -122.14955},
	{"MacArthur Blvd & Grand Ave", 37.81017, -122.24878},
	{"MacArthur Blvd & Lakeshore Ave", 37.80953, -122.24687},
	{"MacArthur Blvd & Park Blvd", 37.80401, -122.23377},
	{"MacArthur Blvd & Fruitvale Ave", 37.80036, -122.21617},
	{"MacArthur Blvd & 35th Ave", 37.79376, -122.20064},
	{"MacArthur Blvd & High St", 37.78735, -122.19482},
	{"MacArthur Blvd & Seminary Ave", 37.77654, -122.18395},
	{"MacArthur Blvd & 73rd Ave", 37.76912, -122.17204},
	{"MacArthur Blvd & 82nd Ave", 37.76269, -122.16490},
	{"MacArthur Blvd & 98th Ave", 37.74988, -122.15887},
	{"W MacArthur Blvd & San Pablo Ave", 37.82856, -122.27907},
	{"W MacArthur Blvd & Market St", 37.82805, -122.27460},
	{"W MacArthur Blvd & Telegraph Ave", 37.82641, -122.26521},
	{"Bancroft Ave & High St", 37.77336, -122.21353},
	{"Bancroft Ave & Seminary Ave", 37.77086, -122.19135},
	{"Bancroft Ave & 66th Ave", 37.76979, -122.18327},
	{"Bancroft Ave & 73rd Ave", 37.76589, -122.17699},
	{"Bancroft Ave & 82nd Ave", 37.76003, -122.17049},
	{"Bancroft Ave & 90th Ave", 37.75362, -122.16573},
	{"Bancroft Ave & 98th Ave", 37.74846, -122.16191},
	{"Bancroft Ave & 105th Ave", 37.74238, -122.15754},
	{"Broadway & 14th St", 37.80432, -122.27119},
	{"Broadway & Grand Ave", 37.81148, -122.26672},
	{"Broadway & 27th St", 37.81563, -122.26412},
	{"Broadway & 40th St", 37.82752, -122.25670},
	{"Broadway & 51st St", 37.83446, -122.25242},
	{"Broadway & College Ave", 37.83629, -122.25126},
	{"Broadway & Broadway Ter", 37.83715, -122.25073},
	{"Broadway & 7th St", 37.79952, -122.27422},
	{"Broadway & 11th St", 37.80226, -122.27249},
	{"Telegraph Ave & 27th St", 37.81619, -122.26791},
	{"Telegraph Ave & 40th St", 37.82915, -122.26447},
	{"Telegraph Ave & 51st St", 37.83728, -122.26233},
	{"Telegraph Ave & Alcatraz Ave", 37.85019, -122.26052},
	{"Telegraph Ave & West Grand Ave", 37.81190, -122.26901},
	{"Telegraph Ave & Shattuck Ave", 37.83362, -122.26335},
	{"San Pablo Ave & West Grand Ave", 37.81277, -122.27401},
	{"San Pablo Ave & 27th St", 37.81772, -122.27563},
	{"San Pablo Ave & 35th St", 37.82638, -122.27837},
	{"San Pablo Ave & 40th St", 37.83103, -122.27988},
	{"San Pablo Ave & Alcatraz Ave", 37.84694, -122.28499},
	{"San Pablo Ave & 18th St", 37.80789, -122.27240},
	{"Grand Ave & Harrison St", 37.81090, -122.26239},
	{"Grand Ave & Mandana Blvd", 37.81425, -122.24626},
	{"Grand Ave & Webster St", 37.81142, -122.26542},
	{"Grand Ave & Lake Park Ave", 37.81139, -122.24796},
	{"West Grand Ave & Mandela Pkwy", 37.81685, -122.28954},
	{"West Grand Ave & Market St", 37.81448, -122.27867},
	{"West Grand Ave & Adeline St", 37.81556, -122.28398},
	{"West Grand Ave & Maritime St", 37.82272, -122.30044},
	{"Market St & 14th St", 37.80820, -122.28088},
	{"Market St & 40th St", 37.83065, -122.27395},
	{"Market St & 55th St", 37.83926, -122.27393},
	{"Market St & 7th St", 37.80276, -122.28291},
	{"Mandela Pkwy & 7th St", 37.80504, -122.29363},
	{"Adeline St & 7th St", 37.80387, -122.28821},
	{"98th Ave & Edes Ave", 37.73643, -122.18325},
	{"98th Ave & San Leandro St", 37.73919, -122.17976},
	{"73rd Ave & San Leandro St", 37.75313, -122.19662},
	{"66th Ave & San Leandro St", 37.75682, -122.20076},
	{"66th Ave & Coliseum Way", 37.75440, -122.20675},
	{"66th Ave & Oakport St", 37.75290, -122.21058},
	{"High St & San Leandro St", 37.77062, -122.21715},
	{"High St & Coliseum Way", 37.76852, -122.21994},
	{"Fruitvale Ave & E 12th St", 37.77625, -122.22655},
	{"Fruitvale Ave & San Leandro St", 37.77545, -122.22695},
	{"23rd Ave & E 12th St", 37.78256, -122.23676},
	{"14th Ave & E 12th St", 37.78843, -122.24693},
	{"Park Blvd & E 18th St", 37.79914, -122.25099},
	{"Park Blvd & Mountain Blvd", 37.82208, -122.20674},
	{"Lakeshore Ave & E 18th St", 37.80055, -122.25441},
	{"Lakeshore Ave & Lake Park Ave", 37.81001, -122.24621},
	{"Claremont Ave & College Ave", 37.84943, -122.25229},
	{"Claremont Ave & Telegraph Ave", 37.83801, -122.26222},
	{"College Ave & Alcatraz Ave", 37.85127, -122.25249},
	{"Shattuck Ave & 55th St", 37.84045, -122.26454},
	{"Shattuck Ave & Alcatraz Ave", 37.84951, -122.26575},
	{"Edes Ave & 105th Ave", 37.73330, -122.17834},
	{"Edes Ave & 85th Ave", 37.73903, -122.19290},
	{"Mountain Blvd & Joaquin Miller Rd", 37.81089, -122.19727},
	{"Mountain Blvd & Redwood Rd", 37.79695, -122.18291},
	{"Mountain Blvd & Keller Ave", 37.77229, -122.15588},
	{"Mountain Blvd & Golf Links Rd", 37.75337, -122.15016},
	{"Mountain Blvd & Moraga Ave", 37.82526, -122.20977},
	{"Skyline Blvd & Joaquin Miller Rd", 37.80506, -122.17926},
	{"Skyline Blvd & Redwood Rd", 37.79905, -122.17083},
	{"Skyline Blvd & Keller Ave", 37.76950, -122.12863},
	{"Moraga Ave & Thornhill Dr", 37.83163, -122.21523},
	{"Harrison St & 14th St", 37.80292, -122.26762},
	{"Webster St & 7th St", 37.79856, -122.27181},
	{"5th Ave & Embarcadero", 37.79016, -122.26007},
	{"Embarcadero & 16th Ave", 37.78404, -122.24326},
	{"Lake Merritt Blvd & 14th St", 37.80107, -122.26291},
	{"Seminary Ave & Camden St", 37.77542, -122.18536},
	{"Golf Links Rd & 98th Ave", 37.75414, -122.15205},
	{"35th Ave & School St", 37.79087, -122.20548},
	{"Doolittle Dr & Airport Access Rd", 37.72565, -122.19947},
	{"Coliseum Way & 50th Ave", 37.76403, -122.21446},
	{"Martin Luther King Jr Way & 40th St", 37.82978, -122.26844},
	{"Martin Luther King Jr Way & 14th St", 37.80620, -122.27598},
	{"Martin Luther King Jr Way & West Grand Ave", 37.81255, -122.27278},
	{"Piedmont Ave & 40th St", 37.82569, -122.25339},
	{"Piedmont Ave & Pleasant Valley Ave", 37.83026, -122.24737},
	{"Hegenberger Rd & Oakport St", 37.74554, -122.20124},
	{"Hegenberger Rd & Coliseum Way", 37.74666, -122.20057},
	{"Hegenberger Rd & Edgewater Dr", 37.74208, -122.20332},
	{"Hegenberger Rd & Doolittle Dr", 37.73100, -122.20998},
}

// neighbourRadiusM is how close two sites must be for one pass to be read
// by both (a duplicate read).
const neighbourRadiusM = 250

// cameraID is the id of the i-th site.
func cameraID(i int) string {
	b := []byte("cam-000")
	b[4] = byte('0' + i/100%10)
	b[5] = byte('0' + i/10%10)
	b[6] = byte('0' + i%10)
	return string(b)
}

// distM is the distance in metres between two points (equirectangular; the
// city is small).
func distM(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000.0
	x := (lon2 - lon1) * math.Pi / 180 * math.Cos((lat1+lat2)/2*math.Pi/180)
	y := (lat2 - lat1) * math.Pi / 180
	return r * math.Hypot(x, y)
}

// camSet is the camera list with the derived tables generation needs.
type camSet struct {
	cams      []api.Camera
	neighbour []int16   // nearest other site within neighbourRadiusM, or -1
	dist      []float32 // n*n distances in metres
	routes    [][]int16 // n*n camera sequences from a to b (lazily filled)
}

func newCamSet() *camSet {
	n := len(cameraSites)
	cs := &camSet{cams: make([]api.Camera, n), neighbour: make([]int16, n),
		dist: make([]float32, n*n), routes: make([][]int16, n*n)}
	for i, s := range cameraSites {
		cs.cams[i] = api.Camera{ID: cameraID(i + 1), Name: s.name, Lat: s.lat, Lon: s.lon, Owner: "agency"}
	}
	for i, a := range cameraSites {
		best, bestD := -1, float64(neighbourRadiusM)
		for j, b := range cameraSites {
			d := distM(a.lat, a.lon, b.lat, b.lon)
			cs.dist[i*n+j] = float32(d)
			if i != j && d < bestD {
				best, bestD = j, d
			}
		}
		cs.neighbour[i] = int16(best)
	}
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			cs.routes[a*n+b] = cs.route(a, b)
		}
	}
	return cs
}

// corridorM is how far from the straight line between two sites a camera
// may be and still be passed on the way.
const corridorM = 200

// route is the sequence of cameras a vehicle passes driving from site a to
// site b: both ends and every site near the straight line between them, in
// order of travel.
func (cs *camSet) route(a, b int) []int16 {
	if a == b {
		return []int16{int16(a)}
	}
	sa, sb := cameraSites[a], cameraSites[b]
	k := math.Cos(sa.lat * math.Pi / 180)
	ax, ay := sa.lon*k, sa.lat
	bx, by := sb.lon*k, sb.lat
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	type stop struct {
		t float64
		i int16
	}
	stops := []stop{{0, int16(a)}}
	const mPerDeg = 111195.0
	for i, s := range cameraSites {
		if i == a || i == b {
			continue
		}
		px, py := s.lon*k-ax, s.lat-ay
		t := (px*dx + py*dy) / l2
		if t <= 0 || t >= 1 {
			continue
		}
		ex, ey := px-t*dx, py-t*dy
		if math.Hypot(ex, ey)*mPerDeg > corridorM {
			continue
		}
		stops = append(stops, stop{t, int16(i)})
	}
	stops = append(stops, stop{1, int16(b)})
	// insertion sort: short lists
	for i := 1; i < len(stops); i++ {
		for j := i; j > 0 && stops[j].t < stops[j-1].t; j-- {
			stops[j], stops[j-1] = stops[j-1], stops[j]
		}
	}
	out := make([]int16, len(stops))
	for i, s := range stops {
		out[i] = s.i
	}
	return out
}

// path is the precomputed route from a to b.
func (cs *camSet) path(a, b int16) []int16 {
	return cs.routes[int(a)*len(cs.cams)+int(b)]
}

// d is the distance between two sites in metres.
func (cs *camSet) d(a, b int16) float64 {
	return float64(cs.dist[int(a)*len(cs.cams)+int(b)])
}

// byName finds a site by its name; it panics on an unknown name, which is a
// programming error in the built-in exercise plans.
func (cs *camSet) byName(name string) int16 {
	for i, c := range cs.cams {
		if c.Name == name {
			return int16(i)
		}
	}
	panic("demo: no camera site named " + name)
}
