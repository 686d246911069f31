package store

// ActionFlagReview is the audit action of a supervisor's review of a flag.
const ActionFlagReview = "flag_review"
