// Package demo builds the fictional Oakland ALPR deployment that alprstore
// --demo serves: a fixed list of camera sites on Oakland arterials, a fleet
// of vehicles with daily routines, the reads those routines produce over the
// last 30 days (with realistic OCR misreads, wrong-state reads, switched
// plates and duplicate reads), generated photos of every read, demo users,
// training exercises modelled on the report's Appendix B cases, and a live
// camera simulator.
//
// Everything is deterministic from Options.Seed (and Options.Now for read
// times): the same options give the same reads, byte for byte the same
// photos, and the same exercise answers. Reads are generated on the fly in
// capture order, so a world of ten million reads is streamed without being
// held in memory; photos are drawn on request from the read id.
//
// The package depends only on alprdesk/api; the store wires it in.
package demo
