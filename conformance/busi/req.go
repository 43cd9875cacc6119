package busi

import (
	"fmt"

	"google.golang.org/protobuf/types/known/structpb"
)

// Outcomes a request can ask the service to return instead of succeeding.
const (
	// Failure makes the call return codes.Aborted: dtm rolls back.
	Failure = "FAILURE"
	// Ongoing makes the call return codes.FailedPrecondition: dtm retries.
	Ongoing = "ONGOING"
)

// Req is a transfer request. It travels as a structpb.Struct, so the suite
// needs no generated code.
type Req struct {
	UserID int64
	Amount int64
	// Result, when Failure or Ongoing, is what the call returns.
	Result string
}

// Proto encodes r for dtm's client API.
func (r Req) Proto() *structpb.Struct {
	return &structpb.Struct{Fields: map[string]*structpb.Value{
		"user_id": structpb.NewNumberValue(float64(r.UserID)),
		"amount":  structpb.NewNumberValue(float64(r.Amount)),
		"result":  structpb.NewStringValue(r.Result),
	}}
}

func reqFromProto(s *structpb.Struct) (Req, error) {
	f := s.GetFields()
	if f["user_id"] == nil || f["amount"] == nil {
		return Req{}, fmt.Errorf("request lacks user_id or amount: %v", s)
	}
	return Req{
		UserID: int64(f["user_id"].GetNumberValue()),
		Amount: int64(f["amount"].GetNumberValue()),
		Result: f["result"].GetStringValue(),
	}, nil
}
