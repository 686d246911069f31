package demo

import "alprdesk/api/plate"

func plateCanon(s string) string { return plate.Canonical(s) }
