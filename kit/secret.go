package kit

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Secret holds a password or a token so that no formatting shows it: fmt
// prints it as Redacted (or "" when empty), encoders marshal it as Redacted,
// and a struct that holds one in an unexported field prints a pointer. The
// zero value is no secret.
type Secret struct{ p *string }

// NewSecret returns s as a Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// Reveal returns the secret itself, for the client that sends it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsSet reports whether s holds a non-empty secret.
func (s Secret) IsSet() bool { return s.p != nil }

// Equal reports whether s and o hold the same secret.
func (s Secret) Equal(o Secret) bool { return s.Reveal() == o.Reveal() }

// String returns Redacted, or "" for the zero Secret.
func (s Secret) String() string {
	if !s.IsSet() {
		return ""
	}
	return Redacted
}

// GoString is String in Go syntax, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("kit.NewSecret(%q)", s.String()) }

// MarshalText returns String, so that JSON, YAML and the like show no secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// maxSecretFile bounds what ReadSecretFile reads: a password file is small,
// and a path mistyped as /dev/zero must not exhaust memory.
const maxSecretFile = 64 << 10

// ReadSecretFile reads a password or token from a file, such as a mounted
// Kubernetes or Docker secret, without the trailing newlines an editor or
// "echo" adds. Its errors name the file, never its content.
func ReadSecretFile(path string) (Secret, error) {
	f, err := os.Open(path)
	if err != nil {
		return Secret{}, fmt.Errorf("read secret file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return Secret{}, fmt.Errorf("read secret file: %w", err)
	}
	if len(b) > maxSecretFile {
		return Secret{}, fmt.Errorf("secret file %s is larger than %d bytes", path, maxSecretFile)
	}
	b = bytes.TrimRight(b, "\r\n")
	if len(b) == 0 {
		return Secret{}, fmt.Errorf("secret file %s is empty", path)
	}
	return NewSecret(string(b)), nil
}
