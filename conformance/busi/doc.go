// Package busi is the business service the conformance suite drives through
// dtm: a bank of in-memory accounts served over gRPC as busi.Busi, with saga
// actions and compensations, TCC try/confirm/cancel, and, per request,
// injected failures and "ongoing" answers that make dtm deliver a branch
// again; an instance can be made to crash in the middle of a branch.
//
// Every instance shares one Bank, which records each delivery (instance,
// branch, the ID of the dtm call that made it, the answer, the time) and
// applies each branch at most once, as dtm's barrier would, so that tests can
// count deliveries and effects apart: redeliveries dtm makes are absorbed by
// the barrier, and a call that reached the service twice shows as two
// deliveries sharing one call ID (see StampAttempts).
package busi
