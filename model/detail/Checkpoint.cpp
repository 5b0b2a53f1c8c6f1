#include "detail/Checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/istream_adapter.h>

#include <fstream>
#include <map>
#include <sstream>

namespace mas::model::detail {

using Kind = PickleValue::Kind;

std::string shapeText(at::IntArrayRef sizes)
{
    std::string s = "[";
    for (size_t i = 0; i < sizes.size(); ++i)
        s += (i ? "," : "") + std::to_string(sizes[i]);
    return s + "]";
}

namespace {

bool collectTensors(const PickleRef& dict, NamedTensors& out)
{
    if (!dict || dict->kind != Kind::Dict)
        return false;
    for (const auto& [k, v] : dict->entries) {
        if (!k || k->kind != Kind::String || !v || v->kind != Kind::Tensor)
            continue; // non-tensor entries (e.g. _metadata) are not weights
        std::string name = k->text;
        if (name.rfind("module.", 0) == 0)
            name = name.substr(7);
        out.emplace_back(name, v->tensor);
    }
    return true;
}

Result<CheckpointFile> readFromReader(caffe2::serialize::PyTorchStreamReader& reader, const std::string& name)
{
    if (!reader.hasRecord("data.pkl"))
        return Result<CheckpointFile>::failure(name + ": not a torch.save checkpoint (no data.pkl in the zip)");
    at::DataPtr pickleData;
    size_t pickleSize = 0;
    std::tie(pickleData, pickleSize) = reader.getRecord("data.pkl");

    std::map<std::string, torch::Tensor> storages;
    const StorageLoader loader = [&](const std::string& key, torch::ScalarType dtype,
                                     int64_t numel) -> Result<torch::Tensor> {
        auto it = storages.find(key);
        if (it != storages.end())
            return it->second;
        for (char c : key)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
                return Result<torch::Tensor>::failure("bad storage key '" + key + "'");
        const std::string record = "data/" + key;
        if (!reader.hasRecord(record))
            return Result<torch::Tensor>::failure("storage " + record + " missing");
        at::DataPtr data;
        size_t size = 0;
        std::tie(data, size) = reader.getRecord(record);
        const size_t element = c10::elementSize(dtype);
        if (static_cast<uint64_t>(numel) > size / element)
            return Result<torch::Tensor>::failure("storage " + record + " holds " + std::to_string(size) +
                                                  " bytes, fewer than " + std::to_string(numel) + " values");
        auto t = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
        if (numel > 0)
            std::memcpy(t.data_ptr(), data.get(), static_cast<size_t>(numel) * element);
        storages[key] = t;
        return t;
    };
    Result<PickleRef> root = parsePickle(static_cast<const uint8_t*>(pickleData.get()), pickleSize, loader);
    if (!root)
        return Result<CheckpointFile>::failure(name + ": " + root.error());

    CheckpointFile file;
    const PickleRef& top = root.value();
    if (top->kind != Kind::Dict)
        return Result<CheckpointFile>::failure(name + ": the saved object is not a dict");
    if (PickleRef sd = top->get("state_dict")) {
        if (!collectTensors(sd, file.entries))
            return Result<CheckpointFile>::failure(name + ": 'state_dict' is not a dict");
        file.meta = top->get("meta");
        file.hasOptimizer = top->get("optimizer") != nullptr;
        file.format = (file.meta && file.meta->get("mas_format")) ? "mastudio" : "mmaction2";
    } else {
        collectTensors(top, file.entries);
        file.format = "state_dict";
    }
    if (file.entries.empty())
        return Result<CheckpointFile>::failure(name + ": no tensors in the state_dict");
    bool torchvision = false, official = false;
    for (const auto& [key, t] : file.entries) {
        torchvision = torchvision || key == "conv1.weight";
        official = official || key.rfind("backbone.", 0) == 0;
    }
    if (file.format == "state_dict" && torchvision && !official)
        file.format = "torchvision";
    file.metaJson = file.meta ? pickleToJson(file.meta) : "{}";
    return file;
}

template <typename Open>
Result<CheckpointFile> readGuarded(const std::string& name, Open open)
{
    try {
        std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader = open();
        return readFromReader(*reader, name);
    } catch (const c10::Error& e) {
        return Result<CheckpointFile>::failure(name + ": not a readable PyTorch zip checkpoint (" +
                                               e.what_without_backtrace() + ")");
    } catch (const std::exception& e) {
        return Result<CheckpointFile>::failure(name + ": " + e.what());
    }
}

} // namespace

Result<CheckpointFile> readCheckpointFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Result<CheckpointFile>::failure(path + ": cannot open the file");
    char magic[2] = {0, 0};
    in.read(magic, 2);
    if (in.gcount() < 2 || magic[0] != 'P' || magic[1] != 'K')
        return Result<CheckpointFile>::failure(
            path + ": not a zip-format PyTorch checkpoint (legacy torch.save files, from before PyTorch 1.6 or "
                   "with _use_new_zipfile_serialization=False, are not supported: re-save it with a newer torch)");
    in.close();
    return readGuarded(path, [&] { return std::make_unique<caffe2::serialize::PyTorchStreamReader>(path); });
}

Result<CheckpointFile> readCheckpointBytes(const std::string& bytes, const std::string& nameForErrors)
{
    if (bytes.size() < 22 || bytes[0] != 'P' || bytes[1] != 'K')
        return Result<CheckpointFile>::failure(nameForErrors + ": not a zip-format PyTorch checkpoint");
    auto stream = std::make_shared<std::istringstream>(bytes);
    return readGuarded(nameForErrors, [&] {
        return std::make_unique<caffe2::serialize::PyTorchStreamReader>(
            std::make_shared<caffe2::serialize::IStreamAdapter>(stream.get()));
    });
}

Status writeCheckpointFile(const std::string& path, const NamedTensors& entries,
                           const std::vector<std::pair<std::string, MetaValue>>& meta)
{
    try {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out)
            return Status::failure(path + ": cannot write the file");
        caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, size_t size) -> size_t {
            out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
            return out ? size : 0;
        });
        PickleWriter p;
        p.emptyDict();
        p.mark();
        p.string("meta");
        p.emptyDict();
        p.mark();
        for (const auto& [key, value] : meta) {
            p.string(key);
            if (const auto* i = std::get_if<int64_t>(&value))
                p.integer(*i);
            else if (const auto* d = std::get_if<double>(&value))
                p.real(*d);
            else
                p.string(std::get<std::string>(value));
        }
        p.setItems();
        p.string("state_dict");
        p.orderedDict();
        p.mark();
        std::vector<torch::Tensor> storages;
        for (const auto& [name, tensor] : entries) {
            storages.push_back(tensor.detach().to(torch::kCPU).contiguous());
            p.string(name);
            p.tensor(storages.back(), std::to_string(storages.size() - 1));
        }
        p.setItems();
        p.setItems();
        const std::string pickle = p.finish();
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        for (size_t i = 0; i < storages.size(); ++i)
            writer.writeRecord("data/" + std::to_string(i), storages[i].data_ptr(), storages[i].nbytes());
        writer.writeEndOfFile();
        out.close();
        if (!out)
            return Status::failure(path + ": writing failed (disk full?)");
        return Status::success();
    } catch (const c10::Error& e) {
        return Status::failure(path + ": " + e.what_without_backtrace());
    }
}

} // namespace mas::model::detail
