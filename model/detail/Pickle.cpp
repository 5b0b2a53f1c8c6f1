#include "detail/Pickle.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <unordered_map>

namespace mas::model::detail {

using Kind = PickleValue::Kind;

PickleRef PickleValue::get(const std::string& key) const
{
    if (kind != Kind::Dict)
        return nullptr;
    for (const auto& [k, v] : entries)
        if (k && k->kind == Kind::String && k->text == key)
            return v;
    return nullptr;
}

PickleValue::~PickleValue()
{
    std::vector<PickleRef> work;
    auto take = [&work](PickleValue& v) {
        for (PickleRef& item : v.items)
            work.push_back(std::move(item));
        for (auto& [k, val] : v.entries) {
            work.push_back(std::move(k));
            work.push_back(std::move(val));
        }
        v.items.clear();
        v.entries.clear();
    };
    take(*this);
    while (!work.empty()) {
        PickleRef v = std::move(work.back());
        work.pop_back();
        if (v && v.use_count() == 1)
            take(*v);
    }
}

namespace {

struct StorageType {
    const char* name;
    torch::ScalarType dtype;
};
const StorageType kStorageTypes[] = {
    {"FloatStorage", torch::kFloat32}, {"DoubleStorage", torch::kFloat64}, {"HalfStorage", torch::kFloat16},
    {"BFloat16Storage", torch::kBFloat16}, {"LongStorage", torch::kInt64}, {"IntStorage", torch::kInt32},
    {"ShortStorage", torch::kInt16}, {"CharStorage", torch::kInt8}, {"ByteStorage", torch::kUInt8},
    {"BoolStorage", torch::kBool},
};

// Hard limits against hostile sizes: a tensor's dims, a global's name, the JSON text of metadata.
constexpr int64_t kMaxDims = 16;
constexpr size_t kMaxGlobalName = 1024;
constexpr size_t kMaxJson = size_t(16) << 20;

// Strides that never address one element twice: sorted by stride, each dimension (of size > 1) must step
// past everything the smaller ones reach. Zero strides (one value broadcast) fail this too.
bool nonOverlapping(const std::vector<int64_t>& size, const std::vector<int64_t>& stride)
{
    std::vector<std::pair<int64_t, int64_t>> dims; // (stride, size)
    for (size_t i = 0; i < size.size(); ++i)
        if (size[i] > 1)
            dims.emplace_back(stride[i], size[i]);
    std::sort(dims.begin(), dims.end());
    long double reach = 0; // largest offset the dimensions so far address
    for (const auto& [st, sz] : dims) {
        if (st <= 0 || static_cast<long double>(st) <= reach)
            return false;
        reach += static_cast<long double>(st) * static_cast<long double>(sz - 1);
    }
    return true;
}

class Parser {
public:
    Parser(const uint8_t* data, size_t size, const StorageLoader& loader, const CheckpointLimits& limits)
        : m_data(data), m_size(size), m_loader(loader), m_limits(limits)
    {
    }

    Result<PickleRef> run()
    {
        try {
            return parse();
        } catch (const c10::Error& e) {
            return fail(std::string("tensor error: ") + e.what_without_backtrace());
        } catch (const std::bad_alloc&) {
            return fail("out of memory");
        } catch (const std::exception& e) {
            return fail(e.what());
        }
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
    const StorageLoader& m_loader;
    const CheckpointLimits& m_limits;
    uint64_t m_values = 0;        // values made so far
    uint64_t m_copiedBytes = 0;   // string bytes made by copying other values (not read from the input)
    uint64_t m_storageBytes = 0;  // storages loaded, all together
    std::unordered_map<std::string, torch::Tensor> m_storages; // by key: a storage shared by views loads once
    std::vector<PickleRef> m_stack;
    std::vector<size_t> m_marks;
    std::unordered_map<uint32_t, PickleRef> m_memo;
    std::string m_error;

    Status fail(const std::string& what) const
    {
        return Status::failure("pickle: " + what + " (at byte " + std::to_string(m_pos) + ")");
    }
    bool need(size_t n)
    {
        if (m_size - m_pos < n) {
            m_error = "truncated data";
            return false;
        }
        return true;
    }
    template <typename T> bool readLe(T& out)
    {
        if (!need(sizeof(T)))
            return false;
        std::memcpy(&out, m_data + m_pos, sizeof(T)); // x86/ARM little-endian hosts
        m_pos += sizeof(T);
        return true;
    }
    bool readBytes(size_t n, std::string& out)
    {
        if (!need(n))
            return false;
        out.assign(reinterpret_cast<const char*>(m_data + m_pos), n);
        m_pos += n;
        return true;
    }
    bool readLine(std::string& out)
    {
        const size_t start = m_pos;
        while (m_pos < m_size && m_data[m_pos] != '\n')
            ++m_pos;
        if (m_pos >= m_size) {
            m_error = "unterminated line";
            return false;
        }
        out.assign(reinterpret_cast<const char*>(m_data + start), m_pos - start);
        ++m_pos;
        return true;
    }
    PickleRef pop()
    {
        if (m_stack.empty() || (!m_marks.empty() && m_stack.size() <= m_marks.back())) {
            m_error = "stack underflow";
            return nullptr;
        }
        PickleRef v = m_stack.back();
        m_stack.pop_back();
        return v;
    }
    // Values since the last mark (the mark removed).
    bool popMark(std::vector<PickleRef>& out)
    {
        if (m_marks.empty()) {
            m_error = "no mark";
            return false;
        }
        const size_t at = m_marks.back();
        m_marks.pop_back();
        if (at > m_stack.size()) {
            m_error = "mark beyond stack";
            return false;
        }
        out.assign(m_stack.begin() + static_cast<std::ptrdiff_t>(at), m_stack.end());
        m_stack.resize(at);
        return true;
    }
    void push(PickleRef v) { m_stack.push_back(std::move(v)); }
    PickleRef make(Kind kind) { ++m_values; return PickleValue::make(kind); }
    PickleRef makeInt(int64_t v) { auto r = make(Kind::Int); r->integer = v; return r; }
    PickleRef makeString(std::string s, Kind k = Kind::String) { auto r = make(k); r->text = std::move(s); return r; }
    // A container of items: its depth follows theirs (refused past the nesting limit).
    PickleRef makeContainer(Kind kind, std::vector<PickleRef> items)
    {
        auto r = make(kind);
        for (const PickleRef& item : items)
            if (!deepen(*r, item))
                return nullptr;
        r->items = std::move(items);
        return r;
    }
    PickleRef makeTuple(std::vector<PickleRef> items) { return makeContainer(Kind::Tuple, std::move(items)); }
    // Records that `child` now sits inside `parent`; false (with the error set) past the nesting limit.
    bool deepen(PickleValue& parent, const PickleRef& child)
    {
        if (child && child->depth + 1 > parent.depth)
            parent.depth = child->depth + 1;
        if (parent.depth > static_cast<uint32_t>(m_limits.maxNesting)) {
            m_error = "values nested deeper than " + std::to_string(m_limits.maxNesting) + " levels";
            return false;
        }
        return true;
    }
    // Bounds checked between opcodes: each opcode adds at most a few values, stack entries or memo entries.
    bool withinLimits()
    {
        if (m_values > m_limits.maxPickleValues)
            m_error = "more than " + std::to_string(m_limits.maxPickleValues) + " values";
        else if (m_stack.size() > m_limits.maxStackSize)
            m_error = "stack deeper than " + std::to_string(m_limits.maxStackSize) + " values";
        else if (m_marks.size() > static_cast<size_t>(m_limits.maxNesting))
            m_error = "marks nested deeper than " + std::to_string(m_limits.maxNesting) + " levels";
        else if (m_copiedBytes > 2 * m_size + (uint64_t(1) << 20))
            m_error = "strings copied past twice the pickle's size";
        else
            return true;
        return false;
    }

    bool memoPut(uint32_t key)
    {
        if (m_stack.empty()) {
            m_error = "memo of empty stack";
            return false;
        }
        if (m_memo.size() >= m_limits.maxMemoEntries && !m_memo.count(key)) {
            m_error = "memo larger than " + std::to_string(m_limits.maxMemoEntries) + " entries";
            return false;
        }
        m_memo[key] = m_stack.back();
        return true;
    }
    bool memoGet(uint32_t key)
    {
        auto it = m_memo.find(key);
        if (it == m_memo.end()) {
            m_error = "memo key " + std::to_string(key) + " not found";
            return false;
        }
        push(it->second);
        return true;
    }

    static bool asInt(const PickleRef& v, int64_t& out)
    {
        if (!v || (v->kind != Kind::Int && v->kind != Kind::Bool))
            return false;
        out = v->kind == Kind::Int ? v->integer : v->boolean;
        return true;
    }

    bool intTuple(const PickleRef& v, std::vector<int64_t>& out)
    {
        if (!v || (v->kind != Kind::Tuple && v->kind != Kind::List) || static_cast<int64_t>(v->items.size()) > kMaxDims)
            return false;
        out.clear();
        for (const PickleRef& item : v->items) {
            int64_t x = 0;
            if (!asInt(item, x) || x < 0)
                return false;
            out.push_back(x);
        }
        return true;
    }

    PickleRef persistentLoad(const PickleRef& pid)
    {
        // ('storage', <global torch.FloatStorage>, key, location, numel)
        if (!pid || pid->kind != Kind::Tuple || pid->items.size() < 5 || !pid->items[0] ||
            pid->items[0]->kind != Kind::String || pid->items[0]->text != "storage") {
            m_error = "unsupported persistent id";
            return nullptr;
        }
        const PickleRef& type = pid->items[1];
        const PickleRef& key = pid->items[2];
        int64_t numel = 0;
        if (!type || type->kind != Kind::Global || !key || key->kind != Kind::String || !asInt(pid->items[4], numel) ||
            numel < 0) {
            m_error = "malformed storage id";
            return nullptr;
        }
        const std::string typeName = type->text.substr(type->text.rfind('.') + 1);
        for (const StorageType& st : kStorageTypes) {
            if (typeName != st.name)
                continue;
            auto v = make(Kind::Storage);
            if (auto it = m_storages.find(key->text); it != m_storages.end()) {
                if (it->second.scalar_type() != st.dtype || it->second.numel() < numel) {
                    m_error = "storage " + key->text + " is declared twice, differently";
                    return nullptr;
                }
                v->tensor = it->second;
                return v;
            }
            // The limits hold before anything is allocated.
            const uint64_t element = c10::elementSize(st.dtype);
            if (static_cast<uint64_t>(numel) > m_limits.maxTensorBytes / element) {
                m_error = "storage " + key->text + " of " + std::to_string(numel) + " values is larger than the limit of " +
                          std::to_string(m_limits.maxTensorBytes) + " bytes per tensor";
                return nullptr;
            }
            const uint64_t bytes = static_cast<uint64_t>(numel) * element;
            if (bytes > m_limits.maxTotalBytes - std::min(m_limits.maxTotalBytes, m_storageBytes)) {
                m_error = "storages larger than the limit of " + std::to_string(m_limits.maxTotalBytes) + " bytes in all";
                return nullptr;
            }
            Result<torch::Tensor> storage = m_loader(key->text, st.dtype, numel);
            if (!storage) {
                m_error = storage.error();
                return nullptr;
            }
            m_storageBytes += bytes;
            m_storages.emplace(key->text, storage.value());
            v->tensor = storage.value();
            return v;
        }
        m_error = "unknown storage type " + type->text;
        return nullptr;
    }

    static std::string shapeOf(const std::vector<int64_t>& values)
    {
        std::string s = "[";
        for (size_t i = 0; i < values.size(); ++i)
            s += (i ? "," : "") + std::to_string(values[i]);
        return s + "]";
    }

    PickleRef rebuildTensor(const std::vector<PickleRef>& args)
    {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        std::vector<int64_t> size, stride;
        int64_t offset = 0;
        if (args.size() < 4 || !args[0] || args[0]->kind != Kind::Storage || !asInt(args[1], offset) || offset < 0 ||
            !intTuple(args[2], size) || !intTuple(args[3], stride) || size.size() != stride.size()) {
            m_error = "malformed _rebuild_tensor_v2 arguments";
            return nullptr;
        }
        const torch::Tensor& storage = args[0]->tensor;
        const int64_t numel = storage.numel();
        // The last element addressed must lie inside the storage (no overflow: dims and values bounded).
        bool empty = false;
        long double extent = static_cast<long double>(offset);
        for (size_t i = 0; i < size.size(); ++i) {
            if (size[i] == 0)
                empty = true;
            else
                extent += static_cast<long double>(size[i] - 1) * static_cast<long double>(stride[i]);
        }
        if (empty) {
            auto v = make(Kind::Tensor);
            v->tensor = torch::empty(size, storage.options());
            return v;
        }
        if (offset >= numel) {
            m_error = "tensor storage offset " + std::to_string(offset) + " is outside its storage of " + std::to_string(numel) +
                      " values";
            return nullptr;
        }
        if (extent >= static_cast<long double>(numel)) {
            m_error = "tensor view " + shapeOf(size) + " with strides " + shapeOf(stride) + " at offset " +
                      std::to_string(offset) + " exceeds its storage of " + std::to_string(numel) + " values";
            return nullptr;
        }
        // A view that reads an element twice is no saved tensor (torch.save writes real storages); zero strides
        // would let a few bytes of storage pose as a tensor of gigabytes.
        if (!nonOverlapping(size, stride)) {
            m_error = "tensor view " + shapeOf(size) + " has zero or overlapping strides " + shapeOf(stride);
            return nullptr;
        }
        // A view of the storage, not a copy: memory stays bounded by the storages, which the limits bound.
        auto v = make(Kind::Tensor);
        v->tensor = storage.as_strided(size, stride, offset);
        return v;
    }

    // REDUCE of a callable we know; anything else becomes an opaque Object.
    PickleRef reduce(const PickleRef& callable, const PickleRef& args)
    {
        const std::vector<PickleRef> noArgs;
        const std::vector<PickleRef>& a = (args && args->kind == Kind::Tuple) ? args->items : noArgs;
        const std::string name = callable && callable->kind == Kind::Global ? callable->text : std::string();
        if (name == "collections.OrderedDict" && a.empty())
            return make(Kind::Dict);
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor")
            return rebuildTensor(a);
        if (name == "torch._utils._rebuild_parameter" && !a.empty() && a[0] && a[0]->kind == Kind::Tensor)
            return a[0];
        if (name == "_codecs.encode" && !a.empty() && a[0] && a[0]->kind == Kind::String) {
            // Python 3 bytes under protocol 2: encode(text, 'latin1'); text holds UTF-8 of code points < 256.
            std::string bytes;
            const std::string& s = a[0]->text;
            for (size_t i = 0; i < s.size(); ++i) {
                const auto c = static_cast<unsigned char>(s[i]);
                if (c < 0x80)
                    bytes += static_cast<char>(c);
                else if ((c & 0xE0) == 0xC0 && i + 1 < s.size())
                    bytes += static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F));
                else
                    bytes += '?';
            }
            m_copiedBytes += bytes.size();
            return makeString(bytes, Kind::Bytes);
        }
        if (name == "numpy.core.multiarray.scalar" && a.size() >= 2 && a[0] && a[0]->kind == Kind::Object &&
            a[1] && a[1]->kind == Kind::Bytes) {
            // numpy scalar: (dtype, raw bytes); dtype objects carry their code ("f8", "i8", ...).
            const std::string& code = a[0]->text;
            const std::string& raw = a[1]->text;
            if ((code == "f8" && raw.size() == 8) || (code == "f4" && raw.size() == 4)) {
                auto v = make(Kind::Float);
                if (raw.size() == 8) {
                    double d; std::memcpy(&d, raw.data(), 8); v->real = d;
                } else {
                    float f; std::memcpy(&f, raw.data(), 4); v->real = f;
                }
                return v;
            }
            if ((code == "i8" && raw.size() == 8) || (code == "i4" && raw.size() == 4)) {
                int64_t i = 0;
                if (raw.size() == 8) {
                    std::memcpy(&i, raw.data(), 8);
                } else {
                    int32_t j; std::memcpy(&j, raw.data(), 4); i = j;
                }
                return makeInt(i);
            }
        }
        auto obj = make(Kind::Object);
        obj->text = name.empty() ? "object" : name;
        if (name == "numpy.dtype" && !a.empty() && a[0] && a[0]->kind == Kind::String)
            obj->text = a[0]->text; // the dtype's code stands for the object
        m_copiedBytes += obj->text.size();
        for (const PickleRef& item : a)
            if (!deepen(*obj, item))
                return nullptr;
        obj->items = a;
        return obj;
    }

    Result<PickleRef> parse()
    {
        while (m_pos < m_size) {
            const uint8_t op = m_data[m_pos++];
            bool ok = true;
            switch (op) {
            case 0x80: { uint8_t proto; ok = readLe(proto); break; }       // PROTO
            case 0x95: { uint64_t len; ok = readLe(len); break; }           // FRAME (content follows inline)
            case '}': push(make(Kind::Dict)); break;           // EMPTY_DICT
            case ']': push(make(Kind::List)); break;           // EMPTY_LIST
            case ')': push(make(Kind::Tuple)); break;          // EMPTY_TUPLE
            case '(': m_marks.push_back(m_stack.size()); break;             // MARK
            case 'N': push(make(Kind::None)); break;
            case 0x88: case 0x89: {                                         // NEWTRUE / NEWFALSE
                auto v = make(Kind::Bool); v->boolean = op == 0x88; push(v); break;
            }
            case 'K': { uint8_t v; if ((ok = readLe(v))) push(makeInt(v)); break; }   // BININT1
            case 'M': { uint16_t v; if ((ok = readLe(v))) push(makeInt(v)); break; }  // BININT2
            case 'J': { int32_t v; if ((ok = readLe(v))) push(makeInt(v)); break; }   // BININT
            case 0x8a: case 0x8b: {                                                    // LONG1 / LONG4
                uint32_t n = 0;
                if (op == 0x8a) { uint8_t n1; ok = readLe(n1); n = n1; } else ok = readLe(n);
                if (!ok) break;
                if (n > 8 || !need(n)) { m_error = "integer too large"; ok = false; break; }
                uint64_t u = 0;
                for (uint32_t i = 0; i < n; ++i)
                    u |= static_cast<uint64_t>(m_data[m_pos + i]) << (8 * i);
                if (n > 0 && n < 8 && (m_data[m_pos + n - 1] & 0x80))
                    u |= ~uint64_t(0) << (8 * n); // sign-extend
                m_pos += n;
                push(makeInt(static_cast<int64_t>(u)));
                break;
            }
            case 'G': {                                                     // BINFLOAT (big-endian)
                if (!(ok = need(8))) break;
                uint64_t u = 0;
                for (int i = 0; i < 8; ++i)
                    u = (u << 8) | m_data[m_pos + i];
                m_pos += 8;
                auto v = make(Kind::Float);
                std::memcpy(&v->real, &u, 8);
                push(v);
                break;
            }
            case 'X': case 0x8c: case 0x8d: case 'B': case 'C': case 0x8e: case 'T': case 'U': {
                // BINUNICODE / SHORT_BINUNICODE / BINUNICODE8 / BINBYTES / SHORT_BINBYTES / BINBYTES8 / BINSTRING / SHORT_BINSTRING
                uint64_t n = 0;
                if (op == 0x8c || op == 'C' || op == 'U') { uint8_t n1; ok = readLe(n1); n = n1; }
                else if (op == 0x8d || op == 0x8e) ok = readLe(n);
                else { uint32_t n4; ok = readLe(n4); n = n4; }
                std::string s;
                if (ok && (ok = n <= m_size && readBytes(static_cast<size_t>(n), s)))
                    push(makeString(std::move(s), (op == 'B' || op == 'C' || op == 0x8e) ? Kind::Bytes : Kind::String));
                else if (m_error.empty()) m_error = "truncated string";
                break;
            }
            case 'c': {                                                     // GLOBAL "module\nname\n"
                std::string module, name;
                if ((ok = readLine(module) && readLine(name))) {
                    if (!(ok = module.size() + name.size() < kMaxGlobalName)) { m_error = "global name too long"; break; }
                    push(makeString(module + '.' + name, Kind::Global));
                }
                break;
            }
            case 0x93: {                                                    // STACK_GLOBAL
                PickleRef name = pop(), module = name ? pop() : nullptr;
                if (!module || module->kind != Kind::String || name->kind != Kind::String) {
                    ok = false; if (m_error.empty()) m_error = "STACK_GLOBAL needs two strings"; break;
                }
                if (module->text.size() + name->text.size() >= kMaxGlobalName) { ok = false; m_error = "global name too long"; break; }
                push(makeString(module->text + '.' + name->text, Kind::Global));
                break;
            }
            case 'q': { uint8_t k; ok = readLe(k) && memoPut(k); break; }   // BINPUT
            case 'r': { uint32_t k; ok = readLe(k) && memoPut(k); break; }  // LONG_BINPUT
            case 0x94: ok = memoPut(static_cast<uint32_t>(m_memo.size())); break; // MEMOIZE
            case 'h': { uint8_t k; ok = readLe(k) && memoGet(k); break; }   // BINGET
            case 'j': { uint32_t k; ok = readLe(k) && memoGet(k); break; }  // LONG_BINGET
            case '0': ok = pop() != nullptr; break;                         // POP
            case '1': { std::vector<PickleRef> drop; ok = popMark(drop); break; } // POP_MARK
            case '2': ok = !m_stack.empty(); if (ok) push(m_stack.back()); else m_error = "DUP of empty stack"; break;
            case 't': case 'l': {                                           // TUPLE / LIST
                std::vector<PickleRef> items;
                if (!(ok = popMark(items))) break;
                PickleRef v = makeContainer(op == 't' ? Kind::Tuple : Kind::List, std::move(items));
                if ((ok = v != nullptr)) push(v);
                break;
            }
            case 'd': case 0x90: case 'u': {                                // DICT / ADDITEMS(set: kept as list) / SETITEMS
                std::vector<PickleRef> items;
                if (!(ok = popMark(items))) break;
                if (op == 'd') {
                    auto d = make(Kind::Dict);
                    if (items.size() % 2) { ok = false; m_error = "odd DICT items"; break; }
                    for (size_t i = 0; ok && i + 1 < items.size(); i += 2) {
                        ok = deepen(*d, items[i]) && deepen(*d, items[i + 1]);
                        d->entries.emplace_back(items[i], items[i + 1]);
                    }
                    if (ok) push(d);
                    break;
                }
                if (m_stack.empty()) { ok = false; m_error = "SETITEMS without a target"; break; }
                PickleRef& target = m_stack.back();
                if (op == 0x90) {
                    if (target->kind != Kind::List) { ok = false; m_error = "ADDITEMS to a non-set"; break; }
                    for (auto& item : items) { if (!(ok = deepen(*target, item))) break; target->items.push_back(item); }
                    break;
                }
                if (target->kind != Kind::Dict || items.size() % 2) { ok = false; m_error = "SETITEMS to a non-dict"; break; }
                for (size_t i = 0; ok && i + 1 < items.size(); i += 2) {
                    ok = deepen(*target, items[i]) && deepen(*target, items[i + 1]);
                    target->entries.emplace_back(items[i], items[i + 1]);
                }
                break;
            }
            case 's': {                                                     // SETITEM
                PickleRef value = pop(), key = value ? pop() : nullptr;
                if (!key || m_stack.empty() || m_stack.back()->kind != Kind::Dict) {
                    ok = false; if (m_error.empty()) m_error = "SETITEM to a non-dict"; break;
                }
                if (!(ok = deepen(*m_stack.back(), key) && deepen(*m_stack.back(), value))) break;
                m_stack.back()->entries.emplace_back(key, value);
                break;
            }
            case 'a': {                                                     // APPEND
                PickleRef value = pop();
                if (!value || m_stack.empty() || m_stack.back()->kind != Kind::List) {
                    ok = false; if (m_error.empty()) m_error = "APPEND to a non-list"; break;
                }
                if (!(ok = deepen(*m_stack.back(), value))) break;
                m_stack.back()->items.push_back(value);
                break;
            }
            case 'e': {                                                     // APPENDS
                std::vector<PickleRef> items;
                if (!(ok = popMark(items))) break;
                if (m_stack.empty() || m_stack.back()->kind != Kind::List) { ok = false; m_error = "APPENDS to a non-list"; break; }
                for (auto& item : items) { if (!(ok = deepen(*m_stack.back(), item))) break; m_stack.back()->items.push_back(item); }
                break;
            }
            case 0x8f: push(make(Kind::List)); break;          // EMPTY_SET (kept as list)
            case 0x91: {                                                    // FROZENSET (kept as list)
                std::vector<PickleRef> items;
                if (!(ok = popMark(items))) break;
                PickleRef v = makeContainer(Kind::List, std::move(items));
                if ((ok = v != nullptr)) push(v);
                break;
            }
            case 0x85: case 0x86: case 0x87: {                              // TUPLE1..3
                const size_t n = op - 0x84;
                std::vector<PickleRef> items(n);
                for (size_t i = n; i-- > 0;)
                    if (!(items[i] = pop())) { ok = false; break; }
                if (ok) { PickleRef t = makeTuple(std::move(items)); if ((ok = t != nullptr)) push(t); }
                break;
            }
            case 'R': {                                                     // REDUCE
                PickleRef args = pop(), callable = args ? pop() : nullptr;
                if (!callable) { ok = false; break; }
                PickleRef v = reduce(callable, args);
                if (!(ok = v != nullptr)) break;
                push(v);
                break;
            }
            case 0x81: case 0x92: {                                         // NEWOBJ / NEWOBJ_EX
                PickleRef kwargs = op == 0x92 ? pop() : nullptr;
                if (op == 0x92 && !kwargs) { ok = false; break; }
                PickleRef args = pop(), cls = args ? pop() : nullptr;
                if (!cls) { ok = false; break; }
                PickleRef v = reduce(cls, args);
                if (!(ok = v != nullptr)) break;
                push(v);
                break;
            }
            case 'b': {                                                     // BUILD: state onto an object
                PickleRef state = pop();
                if (!state || m_stack.empty()) { ok = false; if (m_error.empty()) m_error = "BUILD without a target"; break; }
                // Instance state (an OrderedDict's _metadata, numpy dtype details) is not needed: skipped.
                break;
            }
            case 'Q': {                                                     // BINPERSID
                PickleRef pid = pop();
                if (!pid) { ok = false; break; }
                PickleRef v = persistentLoad(pid);
                if (!(ok = v != nullptr)) break;
                push(v);
                break;
            }
            case '.': {                                                     // STOP
                if (m_stack.size() != 1 + (m_marks.empty() ? 0 : 0) || !m_stack.back())
                    return fail(m_stack.empty() ? "STOP with an empty stack" : "STOP with extra values on the stack");
                return m_stack.back();
            }
            default: {
                std::ostringstream s;
                s << "unsupported opcode 0x" << std::hex << static_cast<int>(op);
                m_pos--;
                return fail(s.str());
            }
            }
            if (!ok)
                return fail(m_error.empty() ? "malformed data" : m_error);
            if (!withinLimits())
                return fail(m_error);
        }
        return fail("no STOP opcode");
    }
};

void appendJsonString(std::string& out, const std::string& s)
{
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

// A string, or a placeholder where it would take the text past kMaxJson (escaping may grow it sixfold).
void appendBoundedJsonString(std::string& out, const std::string& s)
{
    if (out.size() + 6 * s.size() > kMaxJson)
        appendJsonString(out, "<" + std::to_string(s.size()) + " characters>");
    else
        appendJsonString(out, s);
}

void toJson(const PickleRef& v, std::string& out, int depth, int64_t& budget)
{
    if (!v || depth > 64 || --budget < 0 || out.size() > kMaxJson) {
        out += "null";
        return;
    }
    switch (v->kind) {
    case Kind::None: out += "null"; break;
    case Kind::Bool: out += v->boolean ? "true" : "false"; break;
    case Kind::Int: out += std::to_string(v->integer); break;
    case Kind::Float: {
        if (!std::isfinite(v->real)) { out += "null"; break; }
        char buf[40];
        // Shortest text that reads back as the same double.
        for (int precision = 15; precision <= 17; ++precision) {
            std::snprintf(buf, sizeof buf, "%.*g", precision, v->real);
            if (std::strtod(buf, nullptr) == v->real)
                break;
        }
        out += buf;
        break;
    }
    case Kind::String: appendBoundedJsonString(out, v->text); break;
    case Kind::Bytes: appendJsonString(out, "<" + std::to_string(v->text.size()) + " bytes>"); break;
    case Kind::Global: appendBoundedJsonString(out, "<" + v->text + ">"); break;
    case Kind::Object: appendBoundedJsonString(out, "<" + v->text + ">"); break;
    case Kind::Storage: appendJsonString(out, "<storage>"); break;
    case Kind::Tensor: {
        std::string shape;
        for (int64_t s : v->tensor.sizes())
            shape += (shape.empty() ? "" : ",") + std::to_string(s);
        appendJsonString(out, "<tensor " + std::string(c10::toString(v->tensor.scalar_type())) + " [" + shape + "]>");
        break;
    }
    case Kind::List: case Kind::Tuple: {
        out += '[';
        for (size_t i = 0; i < v->items.size(); ++i) {
            if (i) out += ',';
            toJson(v->items[i], out, depth + 1, budget);
        }
        out += ']';
        break;
    }
    case Kind::Dict: {
        out += '{';
        bool first = true;
        for (const auto& [k, val] : v->entries) {
            if (!first) out += ',';
            first = false;
            std::string key;
            if (k && k->kind == Kind::String) key = k->text;
            else { toJson(k, key, depth + 1, budget); }
            appendBoundedJsonString(out, key);
            out += ':';
            toJson(val, out, depth + 1, budget);
        }
        out += '}';
        break;
    }
    }
}

} // namespace

Result<PickleRef> parsePickle(const uint8_t* data, size_t size, const StorageLoader& loadStorage,
                              const CheckpointLimits& limits)
{
    if (size > limits.maxPickleBytes)
        return Status::failure("pickle: " + std::to_string(size) + " bytes, more than the limit of " +
                               std::to_string(limits.maxPickleBytes));
    Parser parser(data, size, loadStorage, limits);
    return parser.run();
}

std::string pickleToJson(const PickleRef& value)
{
    std::string out;
    int64_t budget = 200000; // shared or cyclic values cannot blow up the text
    toJson(value, out, 0, budget);
    return out;
}

std::string storageTypeName(torch::ScalarType dtype)
{
    for (const StorageType& st : kStorageTypes)
        if (st.dtype == dtype)
            return st.name;
    return "FloatStorage";
}

// ---- writer ----

PickleWriter::PickleWriter() { m_out += "\x80\x02"; }
void PickleWriter::none() { m_out += 'N'; }
void PickleWriter::boolean(bool v) { m_out += static_cast<char>(v ? 0x88 : 0x89); }
void PickleWriter::integer(int64_t v)
{
    if (v >= INT32_MIN && v <= INT32_MAX) {
        const int32_t i = static_cast<int32_t>(v);
        m_out += 'J';
        m_out.append(reinterpret_cast<const char*>(&i), 4);
    } else {
        m_out += static_cast<char>(0x8a);
        m_out += static_cast<char>(8);
        m_out.append(reinterpret_cast<const char*>(&v), 8);
    }
}
void PickleWriter::real(double v)
{
    uint64_t u;
    std::memcpy(&u, &v, 8);
    m_out += 'G';
    for (int i = 7; i >= 0; --i)
        m_out += static_cast<char>((u >> (8 * i)) & 0xFF);
}
void PickleWriter::string(const std::string& v)
{
    const uint32_t n = static_cast<uint32_t>(v.size());
    m_out += 'X';
    m_out.append(reinterpret_cast<const char*>(&n), 4);
    m_out += v;
}
void PickleWriter::global(const std::string& module, const std::string& name) { m_out += 'c' + module + '\n' + name + '\n'; }
void PickleWriter::mark() { m_out += '('; }
void PickleWriter::tuple() { m_out += 't'; }
void PickleWriter::emptyDict() { m_out += '}'; }
void PickleWriter::emptyTuple() { m_out += ')'; }
void PickleWriter::setItems() { m_out += 'u'; }
void PickleWriter::reduce() { m_out += 'R'; }
void PickleWriter::persistentId() { m_out += 'Q'; }
void PickleWriter::orderedDict()
{
    global("collections", "OrderedDict");
    emptyTuple();
    reduce();
}
void PickleWriter::tensor(const torch::Tensor& t, const std::string& key)
{
    global("torch._utils", "_rebuild_tensor_v2");
    mark();
    {
        mark();
        string("storage");
        global("torch", storageTypeName(t.scalar_type()));
        string(key);
        string("cpu");
        integer(t.numel());
        tuple();
        persistentId();
    }
    integer(0);
    mark();
    for (int64_t s : t.sizes())
        integer(s);
    tuple();
    mark();
    for (int64_t s : t.strides())
        integer(s);
    tuple();
    boolean(false);
    orderedDict();
    tuple();
    reduce();
}
std::string PickleWriter::finish()
{
    m_out += '.';
    return std::move(m_out);
}

} // namespace mas::model::detail
