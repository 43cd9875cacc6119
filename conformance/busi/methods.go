package busi

// ServiceName is the gRPC service name.
const ServiceName = "busi.Busi"

// The methods, as dtm branch URLs end ("/busi.Busi/TransOut").
const (
	TransOut        = "/" + ServiceName + "/TransOut"
	TransOutRevert  = "/" + ServiceName + "/TransOutRevert"
	TransIn         = "/" + ServiceName + "/TransIn"
	TransInRevert   = "/" + ServiceName + "/TransInRevert"
	TransOutTry     = "/" + ServiceName + "/TransOutTry"
	TransOutConfirm = "/" + ServiceName + "/TransOutConfirm"
	TransOutCancel  = "/" + ServiceName + "/TransOutCancel"
	TransInTry      = "/" + ServiceName + "/TransInTry"
	TransInConfirm  = "/" + ServiceName + "/TransInConfirm"
	TransInCancel   = "/" + ServiceName + "/TransInCancel"
)

// effect is what a method does to a balance: sign*amount applied to the
// request's user, when the barrier lets it through.
type effect struct {
	sign int64
	// kind places the method in the barrier: an action, its undo, or the
	// second phase of TCC.
	kind barrierKind
}

type barrierKind int

const (
	kindAction  barrierKind = iota // saga action, msg action, TCC try
	kindUndo                       // saga compensation, TCC cancel
	kindConfirm                    // TCC confirm
)

// effects: saga and msg move money in the action; TCC reserves outgoing money
// at try and credits incoming money at confirm.
var effects = map[string]effect{
	TransOut:        {-1, kindAction},
	TransOutRevert:  {+1, kindUndo},
	TransIn:         {+1, kindAction},
	TransInRevert:   {-1, kindUndo},
	TransOutTry:     {-1, kindAction},
	TransOutConfirm: {0, kindConfirm},
	TransOutCancel:  {+1, kindUndo},
	TransInTry:      {0, kindAction},
	TransInConfirm:  {+1, kindConfirm},
	TransInCancel:   {0, kindUndo},
}
