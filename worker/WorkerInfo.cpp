#include "WorkerInfo.h"
namespace mas::worker {
const char* workerApiVersion() { return "1"; }
}
