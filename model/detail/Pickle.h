#pragma once
// Internal (includes torch): a reader and a writer for the subset of Python's pickle that torch.save writes
// (protocol 2, as PyTorch uses), enough for mmaction2 checkpoints: dicts, OrderedDicts, lists, tuples,
// strings, numbers, tensors rebuilt from persistent storages. Values of types it does not know (numpy
// dtypes, arbitrary objects) become opaque Object values instead of errors, so metadata never blocks loading.
// LibTorch 1.13's own torch::pickle_load cannot read such files (stops at SETITEM, fails on numpy scalars).
#include "CheckpointLimits.h"
#include "ModelStatus.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mas::model::detail {

struct PickleValue;
using PickleRef = std::shared_ptr<PickleValue>;

struct PickleValue {
    enum class Kind { None, Bool, Int, Float, String, Bytes, List, Tuple, Dict, Global, Storage, Tensor, Object };
    Kind kind = Kind::None;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0;
    std::string text;                           // String, Bytes, Global ("module.name"), Object (its type name)
    std::vector<PickleRef> items;               // List, Tuple, Object (constructor args)
    std::vector<std::pair<PickleRef, PickleRef>> entries; // Dict (insertion order)
    torch::Tensor tensor;                       // Tensor, Storage (flat, the storage's dtype)
    uint32_t depth = 0;                         // containers below this one, as far as the parser saw

    static PickleRef make(Kind kind) { auto v = std::make_shared<PickleValue>(); v->kind = kind; return v; }
    PickleValue() = default;
    PickleValue(const PickleValue&) = delete;
    PickleValue& operator=(const PickleValue&) = delete;
    // Iterative teardown: a hostile file may nest values deeper than the call stack allows.
    ~PickleValue();
    // Dict lookup by string key (nullptr when absent or not a dict).
    PickleRef get(const std::string& key) const;
};

// Loads a storage for a persistent id ('storage', <type>, key, location, numel): returns a flat tensor of
// `dtype` with at least `numel` values, or an error. The parser has checked numel against the byte limits first.
using StorageLoader = std::function<Result<torch::Tensor>(const std::string& key, torch::ScalarType dtype, int64_t numel)>;

// Parses one pickle; never crashes or hangs on malformed input (bounded by input size), returns an error instead.
// Memory is bounded by the limits: values, memo, stack, nesting, storage bytes (per storage and in total). Tensors
// are views of their storages (no copies), refused when their strides overlap or reach outside the storage.
Result<PickleRef> parsePickle(const uint8_t* data, size_t size, const StorageLoader& loadStorage,
                              const CheckpointLimits& limits = checkpointLimits());

// JSON text of a value (tensors as "<tensor float32 [3,4]>", objects as "<numpy.dtype>"); at most ~16 MiB
// (longer strings and values past that become placeholders).
std::string pickleToJson(const PickleRef& value);

// Writer: builds protocol-2 pickles in the layout torch.save uses.
class PickleWriter {
public:
    PickleWriter();
    void none();
    void boolean(bool v);
    void integer(int64_t v);
    void real(double v);
    void string(const std::string& v);
    void global(const std::string& module, const std::string& name);
    void mark();
    void tuple();          // from the last mark
    void emptyDict();
    void emptyTuple();
    void setItems();       // from the last mark into the dict below it
    void reduce();
    void persistentId();   // top of stack is the id
    void orderedDict();    // collections.OrderedDict()
    // _rebuild_tensor_v2 of a contiguous tensor stored under storage key `key`.
    void tensor(const torch::Tensor& contiguous, const std::string& key);
    std::string finish(); // appends STOP

private:
    std::string m_out;
};

std::string storageTypeName(torch::ScalarType dtype); // "FloatStorage", ...

} // namespace mas::model::detail
