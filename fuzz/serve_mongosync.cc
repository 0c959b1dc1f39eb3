// fuzz/serve_mongosync.cc: requests to `pipecheck serve --model mongosync`
// (its mongosync API and control API), as fuzz/serve_harness.h describes.
#include "fuzz/serve_harness.h"

PIPECHECK_FUZZ_TARGET(serve_mongosync) {
  pipecheck::fuzz::ServeRequests(input, pipecheck::sim::ModelKind::kMongosync);
}
