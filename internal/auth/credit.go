package auth

// Credit control: agents, supervisors, the administration and the sales
// app (integration) ask whether an order passes and reserve it; supervisors
// and the administration approve or reject an order that needs approval;
// the administration sets the credit policy and the "do not sell" flags.
const (
	CheckCredit   Action = "credit.check"   // check an order, reserve it, cancel or invoice a reservation
	ApproveCredit Action = "credit.approve" // approve or reject an order that needs approval
	ManageCredit  Action = "credit.manage"  // the credit policy, "do not sell" flags
)

func init() {
	grants[Admin] = append(grants[Admin], CheckCredit, ApproveCredit, ManageCredit)
	grants[Administration] = append(grants[Administration], CheckCredit, ApproveCredit, ManageCredit)
	grants[Supervisor] = append(grants[Supervisor], CheckCredit, ApproveCredit)
	grants[Agent] = append(grants[Agent], CheckCredit)
	grants[Integration] = append(grants[Integration], CheckCredit)
}
