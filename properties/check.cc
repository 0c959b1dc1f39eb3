// properties/check.cc: check.h is a template over the Space; this unit only
// makes sure the header compiles on its own.
#include "properties/check.h"
