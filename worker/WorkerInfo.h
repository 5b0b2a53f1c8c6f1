#pragma once
namespace mas::worker {
const char* workerApiVersion();
}
