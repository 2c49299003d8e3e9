// Which compute devices this build of densefit can use.
#pragma once

namespace densefit {

bool cuda_available();
// Why cuda_available() is false, for error messages.
const char* cuda_unavailable_reason();

}  // namespace densefit
