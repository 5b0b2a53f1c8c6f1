#include "UiInfo.h"
namespace mas::ui {
const char* uiApiVersion() { return "1"; }
}
