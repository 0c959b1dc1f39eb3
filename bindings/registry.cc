// bindings/registry.cc: (the registry itself is a header template; this
// file keeps the library non-empty while it has no other sources).
#include "bindings/registry.h"
