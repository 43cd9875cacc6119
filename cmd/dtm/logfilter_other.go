//go:build !unix

package main

// startLogFilter does nothing where there is no dup2: dtm's output is not
// filtered there, and passwords belong in files (passwordFile=, tokenFile=).
func startLogFilter() error { return nil }
