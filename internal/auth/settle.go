package auth

// Settlements: an agent drafts and submits their own (the administration
// may for any agent); the administration counts and verifies, and exports
// to the ERP; a supervisor approves a count whose difference is over the
// company's tolerance, or sends it back.
const (
	SubmitSettlement  Action = "settlement.submit"
	VerifySettlement  Action = "settlement.verify"
	ApproveSettlement Action = "settlement.approve"
)

func init() {
	grants[Admin] = append(grants[Admin], SubmitSettlement, VerifySettlement, ApproveSettlement)
	grants[Administration] = append(grants[Administration], SubmitSettlement, VerifySettlement)
	grants[Supervisor] = append(grants[Supervisor], SubmitSettlement, ApproveSettlement)
	grants[Agent] = append(grants[Agent], SubmitSettlement)
}
