package kit

import "fmt"

// URLError reports a URL or target that a driver cannot use. The URL and the
// reason it holds are already redacted, and Error redacts the underlying
// error's text, so the error can be logged as is.
type URLError struct {
	// URL is the input with secrets replaced by Redacted.
	URL string
	// Reason says what is wrong with it, redacted too: it may quote a
	// parameter name, which can be a whole "pass=..." decoded.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error quotes the redacted URL and says what is wrong with it.
func (e *URLError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("bad URL %q: %s: %s", e.URL, e.Reason, Redact(e.Err.Error()))
	}
	return fmt.Sprintf("bad URL %q: %s", e.URL, e.Reason)
}

// Unwrap returns the underlying error.
func (e *URLError) Unwrap() error { return e.Err }

// NewURLError returns a *URLError for raw, redacting it and reason. err may
// be nil; Error redacts its text, but Unwrap returns it as is, so prefer a
// reason to errors that quote their input (those of net/url do).
func NewURLError(raw, reason string, err error) error {
	return &URLError{URL: Redact(raw), Reason: Redact(reason), Err: err}
}

func urlError(raw, reason string) error { return NewURLError(raw, reason, nil) }
