package kit

import "fmt"

// URLError reports a URL or target that a driver cannot use. The URL it holds
// is already redacted, so the error can be logged as is.
type URLError struct {
	// URL is the input with secrets replaced by Redacted.
	URL string
	// Reason says what is wrong with it.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error quotes the redacted URL and says what is wrong with it.
func (e *URLError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("bad URL %q: %s: %v", e.URL, e.Reason, e.Err)
	}
	return fmt.Sprintf("bad URL %q: %s", e.URL, e.Reason)
}

// Unwrap returns the underlying error.
func (e *URLError) Unwrap() error { return e.Err }

// NewURLError returns a *URLError for raw, redacting it. err may be nil; its
// text must not contain secrets (errors from net/url quote their input, so
// pass a reason instead of such errors).
func NewURLError(raw, reason string, err error) error {
	return &URLError{URL: Redact(raw), Reason: reason, Err: err}
}

func urlError(raw, reason string) error { return NewURLError(raw, reason, nil) }
