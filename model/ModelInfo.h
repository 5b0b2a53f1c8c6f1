#pragma once
// Placeholder until MANet lands: keeps the model library target non-empty.
namespace mas::model {
const char* libtorchVersion();
}
