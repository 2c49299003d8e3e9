// Built when densefit has no CUDA backend (the real one is cuda/'s own issue): the core
// links and answers "no CUDA backend" instead of failing at import.
#include "densefit/device.h"

namespace densefit {

bool cuda_available() { return false; }
const char* cuda_unavailable_reason() { return "densefit was built without a CUDA backend"; }

}  // namespace densefit
