package kit

// LegacyDriver is the driver interface of dtmdriver v0.0.1 to v0.0.3, which
// dtm before v1.15 uses. Every driver here satisfies it as well as the
// current dtmdriver.Driver, so one build serves both generations of dtm.
type LegacyDriver interface {
	GetName() string
	RegisterGrpcResolver()
	RegisterGrpcService(target string, endpoint string) error
	ParseServerMethod(uri string) (server string, method string, err error)
}
