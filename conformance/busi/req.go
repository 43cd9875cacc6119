package busi

import (
	"fmt"

	"google.golang.org/protobuf/types/known/structpb"
)

// Answers a delivery can get, as Call.Answer records them.
const (
	// OK: the call succeeded.
	OK = "OK"
	// Failure: codes.Aborted, asked for by Req.Result; dtm rolls back.
	Failure = "FAILURE"
	// Ongoing: codes.FailedPrecondition, asked for by Req.Ongoing; dtm
	// delivers the branch again later.
	Ongoing = "ONGOING"
	// Unanswered: the instance crashed while handling the call (see
	// Bank.CrashOn); the caller sees the connection break.
	Unanswered = "UNANSWERED"
)

// Req is a transfer request. It travels as a structpb.Struct, so the suite
// needs no generated code.
type Req struct {
	UserID int64
	Amount int64
	// Result, when Failure, makes an action fail.
	Result string
	// Ongoing is how many deliveries of the branch are answered Ongoing
	// before one proceeds, so that dtm delivers it Ongoing+1 times.
	Ongoing int
}

// Proto encodes r for dtm's client API.
func (r Req) Proto() *structpb.Struct {
	return &structpb.Struct{Fields: map[string]*structpb.Value{
		"user_id": structpb.NewNumberValue(float64(r.UserID)),
		"amount":  structpb.NewNumberValue(float64(r.Amount)),
		"result":  structpb.NewStringValue(r.Result),
		"ongoing": structpb.NewNumberValue(float64(r.Ongoing)),
	}}
}

func reqFromProto(s *structpb.Struct) (Req, error) {
	f := s.GetFields()
	if f["user_id"] == nil || f["amount"] == nil {
		return Req{}, fmt.Errorf("request lacks user_id or amount: %v", s)
	}
	return Req{
		UserID:  int64(f["user_id"].GetNumberValue()),
		Amount:  int64(f["amount"].GetNumberValue()),
		Result:  f["result"].GetStringValue(),
		Ongoing: int(f["ongoing"].GetNumberValue()),
	}, nil
}
