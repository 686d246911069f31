// Command alprdesk is the investigator's desktop workstation for an ALPR
// store: login, case context, search, photo verification and timeline maps.
//
//	alprdesk --server https://alpr.example.gov   connect to an agency's store
//	alprdesk --demo                                a demo store in-process on 127.0.0.1
package main

import (
	"flag"
	"log"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"alprdesk/assets"
	"alprdesk/ui"
	"alprdesk/ui/session"
)

// AppID is the application id (also in FyneApp.toml).
const AppID = "org.alprdesk.workstation"

func main() {
	demoMode := flag.Bool("demo", false, "run a demo store with a fictional world in-process on 127.0.0.1 (no network)")
	server := flag.String("server", "", "the store's address, e.g. https://alpr.example.gov")
	basemap := flag.String("basemap", "", "basemap GeoJSON for the demo store's tiles (default: ../shared/data/oakland-basemap.geojson.gz when present)")
	caFile := flag.String("ca", "", "PEM file of the agency's CA certificates")
	seed := flag.Int64("seed", 1, "demo world seed")
	reads := flag.Int("reads", 0, "demo world reads (0: the store's default)")
	flag.Parse()
	defer openLog().Close()

	var cfg ui.Config
	if !*demoMode {
		applyMachineSettings(server, caFile, &cfg)
	}
	cfg.Connector, cfg.Server = &session.ClientConnector{CAFile: *caFile}, *server
	if *demoMode {
		d, err := startDemo(demoOptions{Basemap: *basemap, Seed: *seed, Reads: *reads})
		if err != nil {
			log.Fatalln("alprdesk: the demo store did not start:", err)
		}
		defer d.Close()
		cfg.Demo, cfg.Server, cfg.DemoUsers, cfg.DemoPassword, cfg.DemoReady = true, d.URL, d.Users, d.Password, d.ready
		// One keyring entry and cache for every demo start, whatever port.
		cfg.Connector = &session.ClientConnector{CAFile: *caFile, StableName: DemoKeyringName}
		d.PrintUsers(os.Stdout)
	} else if *server == "" {
		log.Printf("alprdesk: no --server given; the login screen asks for the store's address")
	}
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon)) // also in builds that have no FyneApp.toml beside them
	w := ui.New(a, cfg)
	w.Window().ShowAndRun()
}
