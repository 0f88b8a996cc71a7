package api

import (
	"reflect"
	"slices"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// useCases maps every exported method of *engine.Engine to the operation
// that serves it, or to "" with the reason it has none. A new use case
// fails TestEveryUseCaseHasAnOperation until it is served or excused.
var useCases = map[string]string{
	"SignUp": "signUp", "LogIn": "logIn", "LogOut": "logOut", "CreateAPIToken": "createApiToken", "WhoAmI": "whoAmI",
	"CreateGroup": "createGroup", "GetGroup": "getGroup", "ListGroups": "listGroups", "UpdateGroup": "updateGroup",
	"RuleHistory": "listRuleVersions", "ImportPolis": "importPolis", "ExportGroup": "exportGroup",
	"CreateInvite": "createInvite", "ListInvites": "listInvites", "RevokeInvite": "revokeInvite",
	"PreviewInvite": "previewInvite", "Join": "join",
	"ListMembers": "listMembers", "AddMemberInRoom": "addMemberInRoom", "UpdateMember": "updateMember",
	"AssignRole": "assignRole", "RevokeMemberSessions": "revokeMemberSessions",
	"CreateRound": "createRound", "ListRounds": "listRounds", "GetRound": "getRound",
	"TransitionRound": "transitionRound", "Revisit": "revisitProposal", "Subscribe": "streamRoundEvents",
	"AddProposal": "addProposal", "ListProposals": "listProposals", "ModerateProposal": "moderateProposal",
	"RewriteProposals": "rewriteProposals",
	"SubmitRating":     "submitRating", "SubmitRatings": "submitRatings", "MyRatings": "listMyRatings",
	"RoundResults": "getRoundResults", "RoundAnalysis": "getRoundAnalysis",
	"ConsensusReport": "getRoundReport", "MethodsReport": "getMethodsReport", "EasyReadSummary": "getRoundEasyRead", "MyPaths": "listMyPaths",
	"RecordDecision": "recordDecision", "ListDecisions": "listDecisions",
	"AddReflection": "addReflection", "ListReflections": "listReflections", "ListAudit": "listAudit",
	"RaiseConcern": "raiseConcern", "ListConcerns": "listConcerns", "GetConcern": "getConcern",
	"RecordConcernAction": "recordConcernAction", "SaveCheckIn": "saveCheckIn", "MyCheckIn": "getMyCheckIn",
	"WithdrawCheckIn": "withdrawCheckIn", "RoundCheckIns": "getRoundCheckIns",

	"CreateSignInLink": "createSignInLink", "PreviewSignInLink": "previewSignInLink", "UseSignInLink": "useSignInLink",

	"MyData": "getMyData", "EraseMember": "eraseMember",

	"Authenticate": "", // the authentication middleware
	"Ready":        "", // GET /readyz
	"LocalActor":   "", // the command line acts as a local account
	"RunSchedule":  "", // the server's clock
	"Now":          "", // the engine's clock
}

func TestEveryUseCaseHasAnOperation(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	var ids []string
	for _, o := range operations(s.api.OpenAPI()) {
		ids = append(ids, o.op.OperationID)
	}
	typ := reflect.TypeOf(&engine.Engine{})
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		id, ok := useCases[name]
		switch {
		case !ok:
			t.Errorf("engine use case %s has no operation in the API (add one, or excuse it in useCases)", name)
		case id != "" && !slices.Contains(ids, id):
			t.Errorf("engine use case %s: operation %s does not exist", name, id)
		}
	}
	for name := range useCases {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("useCases names %s, which the engine no longer has", name)
		}
	}
}
