#include "ModelInfo.h"
#include <torch/torch.h>
namespace mas::model {
const char* libtorchVersion() { return TORCH_VERSION; }
}
