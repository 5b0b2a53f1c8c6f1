#pragma once
namespace mas::ui {
const char* uiApiVersion();
}
