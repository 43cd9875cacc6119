// Package busi is the business service the conformance suite drives through
// dtm: a bank of in-memory accounts served over gRPC as busi.Busi, with saga
// actions and compensations, TCC try/confirm/cancel, and failure injection
// per call. Every instance shares one Bank, which records each delivery (which
// instance, which branch, in what order) and applies each branch at most once,
// as dtm's barrier would, so tests can assert exact balances and spreads.
package busi
