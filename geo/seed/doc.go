// Package seed makes the data a fresh Phủ Sóng shows before anyone has
// imported anything: approximate commune shapes computed from each
// commune's interior point and area (ApproximateShapes), an approximate set
// of remote communes (DefaultRemote) and demonstration filings
// (DemoFilings). None of it is official; every piece carries a label that
// says so (geo.BoundaryApproximate, RemoteApproximate with RemoteNote,
// DemoSource).
//
// It is pure like package geo, whose types it fills: the same input always
// gives the same output, and it does no I/O. The commune facts it starts
// from are the caller's (package data embeds the Hòa Bình census).
package seed
