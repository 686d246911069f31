package store

import (
	"net/http"
	"slices"

	"alprdesk/api"
)

// routesInit registers every route of the v1 API.
func (s *Server) routesInit() {
	s.mux = http.NewServeMux()
	s.routes = nil
	anyone := []string(nil)
	searchers := api.SearchRoles
	supervisors := []string{api.RoleSupervisor}
	exporters := slices.Clone(api.SearchRoles)

	s.handle("GET /healthz", s.run(s.healthz))
	s.handle("GET /readyz", s.run(s.readyz))
	s.handle("POST /v1/auth/login", s.run(s.login))
	s.handle("POST /v1/auth/refresh", s.run(s.refresh))
	s.handle("POST /v1/auth/logout", s.run(s.logout))
	s.handle("POST /v1/auth/mfa", s.run(s.mfaLogin))
	s.handle("GET /v1/me", s.user(anyone, s.me))
	s.handle("POST /v1/me/mfa", s.user(anyone, s.enrolMFA))
	s.handle("DELETE /v1/me/mfa", s.user(anyone, s.removeMFA))
	s.handle("POST /v1/me/mfa/confirm", s.user(anyone, s.confirmMFA))
	s.handle("POST /v1/me/password", s.user(anyone, s.changePassword))
	s.handle("GET /v1/policy", s.user(anyone, s.getPolicy))
	s.handle("GET /v1/cameras", s.user(anyone, s.cameras))
	// Searches check the role themselves so that a refusal is audited.
	s.handle("POST /v1/searches", s.user(anyone, s.search))
	// Analyses (analyses.go) check roles and gates themselves so that refusals are audited.
	s.handle("POST /v1/analyses/common-plates", s.user(anyone, s.commonPlates))
	s.handle("POST /v1/analyses/convoy", s.user(anyone, s.convoyAnalysis))
	// Approvers reach photos only through covert alerts they received.
	readers := append(slices.Clone(searchers), api.RoleApprover)
	s.handle("GET /v1/reads/{id}/photo", s.user(readers, s.photo))
	s.handle("POST /v1/reads/{id}/verification", s.user(readers, s.idempotent(s.verify)))
	s.handle("POST /v1/reads/{id}/retain", s.user(searchers, s.idempotent(s.retain)))
	s.handle("POST /v1/exports", s.user(exporters, s.idempotent(s.export)))
	s.handle("POST /v1/reads", s.camera(s.ingest))
	s.handle("POST /v1/reads:batch", s.camera(s.ingestBatch))
	s.handle("GET /v1/audit", s.user(supervisors, s.auditList))
	s.handle("GET /v1/audit/verify", s.user(supervisors, s.auditVerify))
	// Supervision (supervision.go, efficacy.go).
	s.handle("POST /v1/audit/samples", s.user(supervisors, s.idempotent(s.auditSample)))
	s.handle("POST /v1/audit/reviews", s.user(supervisors, s.idempotent(s.auditReview)))
	s.handle("GET /v1/audit/reviews", s.user(supervisors, s.auditReviews))
	s.handle("POST /v1/searches/{id}/outcome", s.user(searchers, s.idempotent(s.searchOutcome)))
	s.handle("GET /v1/reports/efficacy", s.user(supervisors, s.efficacy))
	s.handle("GET /v1/training/exercises", s.user(anyone, s.exercises))
	// Training mode (training.go) checks demo mode and roles itself.
	s.handle("POST /v1/training/exercises/{id}/attempts", s.user(anyone, s.idempotent(s.trainingAttempt)))
	s.handle("GET /v1/training/progress", s.user(anyone, s.trainingProgress))
	s.handle("POST /v1/training/reset", s.user(anyone, s.idempotent(s.trainingReset)))
	s.handle("GET /v1/training/live", s.user(anyone, s.trainingLive))
	s.handle("POST /v1/training/live", s.user(anyone, s.idempotent(s.setTrainingLive)))
	s.handle("GET /tiles/{z}/{x}/{file}", s.run(s.tile))
	// Hotlists and alerts (hotlist.go, alerts.go) check roles themselves so that refusals are audited.
	s.handle("POST /v1/hotlist-requests", s.user(anyone, s.idempotent(s.createHotlistRequest)))
	s.handle("GET /v1/hotlist-requests", s.user(anyone, s.listHotlistRequests))
	s.handle("POST /v1/hotlist-requests/{id}/decision", s.user(anyone, s.idempotent(s.decideHotlistRequest)))
	s.handle("GET /v1/hotlist-entries", s.user(anyone, s.listHotlistEntries))
	s.handle("DELETE /v1/hotlist-entries/{id}", s.user(anyone, s.removeHotlistEntry))
	s.handle("GET /v1/alerts/stream", s.user(anyone, s.alertStream))
	s.handle("POST /v1/alerts/{id}/ack", s.user(anyone, s.idempotent(s.ackAlert)))
	// Accountability (outcome.go, flags.go, transparency.go).
	s.handle("GET /v1/alerts", s.user(anyone, s.listAlerts))
	s.handle("POST /v1/alerts/{id}/outcome", s.user(anyone, s.idempotent(s.alertOutcome)))
	s.handle("GET /v1/audit/flags", s.user(supervisors, s.auditFlags))
	s.handle("GET /v1/reports/transparency", s.user(supervisors, s.transparencyReport))
	s.handle("POST /v1/audit/flags/{id}/review", s.user(supervisors, s.idempotent(s.reviewFlag)))
}
