package demo

import "alprdesk/api"

// User is a demo account. The store gives every demo user the password
// "demo".
type User struct {
	Username, Role, Serial, DisplayName, Team string
	// TrainedOn is the training date (YYYY-MM-DD); "" means untrained,
	// which the store's training gate refuses.
	TrainedOn string
}

// trainedOn is the demo users' training date.
const trainedOn = "2026-01-15"

// Users returns the demo accounts: one per role, named after it, a second
// detective, and rookie, a detective without training.
func (w *World) Users() []User {
	return []User{
		{"detective", api.RoleDetective, "D100", "Det. Dana Reyes", "east", trainedOn},
		{"detective2", api.RoleDetective, "D101", "Det. Sam Okafor", "west", trainedOn},
		{"watch_commander", api.RoleWatchCommander, "W200", "Lt. Maria Chen", "east", trainedOn},
		{"supervisor", api.RoleSupervisor, "S300", "Sgt. Alex Romero", "east", trainedOn},
		{"approver", api.RoleApprover, "A400", "Dep. Dir. Jordan Ellis", "bos", trainedOn},
		{"trainer", api.RoleTrainer, "T500", "Officer Pat Nguyen", "training", trainedOn},
		{"admin", api.RoleAdmin, "X600", "Admin Lee Watts", "it", trainedOn},
		{"rookie", api.RoleDetective, "D199", "Ofc. Robin Park (untrained)", "east", ""},
	}
}
