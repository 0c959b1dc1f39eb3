// fuzz/serve_harness.h: requests to `pipecheck serve`, without sockets.
//
// A fresh session of the model as `pipecheck serve` makes it (ClickPipe with
// 4 pipe slots), with a small workload and oplog (100 documents a
// collection, a write every 5 s, 6 h of oplog) so that a day of virtual time
// runs in milliseconds and outlives the oplog; its API and control routers
// made exactly as serve makes them. Each request is written as HTTP/1.1
// bytes and handed to serve::AnswerBytes (the transport's own parser, limits
// and error answers, over a stream in memory), so it goes through the same
// parsing, routing, handlers and error shapes as a request from a socket, and
// its response is read back from the bytes written.
//
// Input, text:
//   key ID:SECRET        optional first line (ClickPipes): serve --api-key
//   METHOD PATH          one request: its request line, then
//   Name: value          any header lines, an optional blank line, and
//   BODY                 its body, up to a line `===` or the end.
//   ===                  between requests
// The harness adds Host, Content-Length and, unless the input gives one,
// Content-Type: application/json. A request to the control API
// (/pipecheck/...) whose path contains `save` or a `%` is skipped (save
// writes a file), and so is an advance past a day of virtual time in all,
// so that every input runs in milliseconds.
//
// Expected: any 4xx answer in the API's own error shape. Findings: a crash
// or sanitizer report; a 5xx answer (but mongosync's 503 while its process
// is down); a body that is not the API's JSON shape; a property violated; and
// a session whose record (as SaveRecording writes it) does not replay to the
// live trace with every step accepted or refused as it was.
#pragma once

#include "fuzz/fuzz.h"
#include "sim/scenario.h"

namespace pipecheck::fuzz {

void ServeRequests(Input input, sim::ModelKind model);

}  // namespace pipecheck::fuzz
