// Package serve is laa's HTTP server: a JSON API (/v1/...) and a web page
// that answer with a trained model's posterior for a posted recording, in
// milliseconds on the amortized route. One process serves several models,
// each loaded once and run by a pool of replicas (npe.Model.Replica), so
// concurrent requests never share a model's layer caches.
//
// Inference goes through workflow.Infer, as `laa infer` does: the same
// trace, draws and seed give the same draws, and the summary is the same
// workflow.Summary that `laa infer --json` prints. The page, its script and
// the OpenAPI description are embedded in the binary; nothing is fetched
// from elsewhere. The server writes no file but the uploads it reads,
// spooled for the length of one request under Config.SpoolDir.
//
// docs/serve.md records the design choices and the limits.
package serve
