package machine

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	s, err := Parse(strings.NewReader("# set by IT\n\nStoreURL = https://alpr.agency.example\r\nCAFile=/etc/alprdesk/agency-ca.pem\nIdleLockMinutes = 10\n"), "test.conf")
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{StoreURL: "https://alpr.agency.example", CAFile: "/etc/alprdesk/agency-ca.pem", IdleLock: 10 * time.Minute, Source: "test.conf"}
	if s != want {
		t.Fatalf("got %+v, want %+v", s, want)
	}
}

func TestParseNamesBadLines(t *testing.T) {
	s, err := Parse(strings.NewReader("StoreURL = ftp://x\nIdleLockMinutes = 0\nColour = blue\nnonsense\nCAFile = ca.pem\n"), "bad.conf")
	for _, want := range []string{"bad.conf:1: StoreURL", "bad.conf:2: IdleLockMinutes", `bad.conf:3: unknown setting "Colour"`, "bad.conf:4: want Name = value"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %q", err, want)
		}
	}
	if s.CAFile != "ca.pem" || s.StoreURL != "" {
		t.Errorf("the good line is lost or a bad one kept: %+v", s)
	}
}
