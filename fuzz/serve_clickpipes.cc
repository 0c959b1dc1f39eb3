// fuzz/serve_clickpipes.cc: requests to `pipecheck serve --model clickpipe`
// (its ClickPipes API and control API), as fuzz/serve_harness.h describes.
#include "fuzz/serve_harness.h"

PIPECHECK_FUZZ_TARGET(serve_clickpipes) {
  pipecheck::fuzz::ServeRequests(input, pipecheck::sim::ModelKind::kClickPipe);
}
