// Package seed makes the data a fresh Phủ Sóng shows before anyone has
// filed anything: an approximate set of remote communes (DefaultRemote) and
// demonstration filings (DemoFilings). None of it is official; every piece
// carries a label that says so (RemoteApproximate with RemoteNote,
// DemoSource).
//
// It is pure like package geo, whose types it fills: the same input always
// gives the same output, and it does no I/O. The commune facts it starts
// from are the caller's (package data embeds the seed territory's unit sets).
package seed
