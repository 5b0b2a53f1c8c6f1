#include "detail/Checkpoint.h"

#include "detail/ZipArchive.h"

#include <caffe2/serialize/inline_container.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

std::string oneLine(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}

Result<CheckpointFile> readFromArchive(const ZipArchive& archive, const std::string& name, const CheckpointLimits& limits,
                                      CheckpointRead read)
{
    const ZipRecord* pickleRecord = archive.find("data.pkl");
    if (!pickleRecord)
        return Result<CheckpointFile>::failure(name + ": not a torch.save checkpoint (no data.pkl in the zip)");
    if (pickleRecord->size > limits.maxPickleBytes)
        return Result<CheckpointFile>::failure(name + ": data.pkl holds " + std::to_string(pickleRecord->size) +
                                               " bytes, more than the limit of " + std::to_string(limits.maxPickleBytes));
    if (Result<uint64_t> at = archive.dataOffset(*pickleRecord); !at)
        return Result<CheckpointFile>::failure(name + ": " + at.error());
    std::string pickle(static_cast<size_t>(pickleRecord->size), '\0');
    if (Status s = archive.read(*pickleRecord, pickle.data(), pickle.size()); !s)
        return Result<CheckpointFile>::failure(name + ": " + s.error());

    // The parser has checked numel against the byte limits; the record must hold that many values.
    const StorageLoader loader = [&](const std::string& key, torch::ScalarType dtype, int64_t numel) -> Result<torch::Tensor> {
        for (char c : key)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
                return Result<torch::Tensor>::failure("bad storage key '" + key.substr(0, 64) + "'");
        const ZipRecord* record = archive.find("data/" + key);
        if (!record)
            return Result<torch::Tensor>::failure("storage data/" + key + " missing");
        const uint64_t element = c10::elementSize(dtype);
        if (static_cast<uint64_t>(numel) > record->size / element)
            return Result<torch::Tensor>::failure("storage data/" + key + " holds " + std::to_string(record->size) +
                                                  " bytes, fewer than " + std::to_string(numel) + " values");
        if (Result<uint64_t> at = archive.dataOffset(*record); !at)
            return at.status();
        if (read == CheckpointRead::ShapesOnly)
            return torch::empty({numel}, torch::TensorOptions().dtype(dtype).device(torch::kMeta));
        auto t = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
        if (Status s = archive.read(*record, t.data_ptr(), static_cast<uint64_t>(numel) * element); !s)
            return s;
        return t;
    };
    Result<PickleRef> root = parsePickle(reinterpret_cast<const uint8_t*>(pickle.data()), pickle.size(), loader, limits);
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

Result<CheckpointFile> readSource(std::shared_ptr<ByteSource> source, const std::string& name,
                                 CheckpointRead read = CheckpointRead::Values)
{
    try {
        const CheckpointLimits limits = checkpointLimits();
        char magic[2] = {0, 0};
        if (source->size() < 2 || !source->read(0, magic, 2) || magic[0] != 'P' || magic[1] != 'K')
            return Result<CheckpointFile>::failure(
                name + ": not a zip-format PyTorch checkpoint (legacy torch.save files, from before PyTorch 1.6 or "
                       "with _use_new_zipfile_serialization=False, are not supported: re-save it with a newer torch)");
        Result<ZipArchive> archive = ZipArchive::open(std::move(source), limits.maxRecords);
        if (!archive)
            return Result<CheckpointFile>::failure(name + ": not a readable PyTorch zip checkpoint (" + archive.error() + ")");
        return readFromArchive(archive.value(), name, limits, read);
    } catch (const c10::Error& e) {
        return Result<CheckpointFile>::failure(name + ": " + oneLine(e.what_without_backtrace()));
    } catch (const std::bad_alloc&) {
        return Result<CheckpointFile>::failure(name + ": out of memory while reading the checkpoint");
    } catch (const std::exception& e) {
        return Result<CheckpointFile>::failure(name + ": " + oneLine(e.what()));
    }
}

} // namespace

Result<CheckpointFile> readCheckpointFile(const std::string& path, CheckpointRead read)
{
    Result<std::shared_ptr<ByteSource>> source = openFileSource(path);
    if (!source)
        return Result<CheckpointFile>::failure(path + ": " + source.error());
    return readSource(source.value(), path, read);
}

Result<CheckpointFile> readCheckpointBytes(const std::string& bytes, const std::string& nameForErrors)
{
    try {
        return readSource(memorySource(bytes), nameForErrors);
    } catch (const std::exception& e) { // copying the bytes
        return Result<CheckpointFile>::failure(nameForErrors + ": " + oneLine(e.what()));
    }
}

namespace {

std::string parentFolder(const std::string& path)
{
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string errnoText(int error) { return std::strerror(error); }

// Writes all of `size` bytes; on failure keeps the first errno and swallows the rest, so that the zip writer
// (which would throw from its destructor on a short write) runs to its end and the error is reported once.
struct DurableFile {
    int fd = -1;
    int firstError = 0;
    void write(const void* data, size_t size)
    {
        const char* p = static_cast<const char*>(data);
        while (size > 0 && firstError == 0) {
            const ssize_t n = ::write(fd, p, size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                firstError = n < 0 ? errno : EIO;
                return;
            }
            p += n;
            size -= static_cast<size_t>(n);
        }
    }
};

std::string checkpointPickle(const NamedTensors& entries, const std::vector<std::pair<std::string, MetaValue>>& meta,
                             std::vector<torch::Tensor>& storages)
{
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
    for (const auto& [name, tensor] : entries) {
        storages.push_back(tensor.detach().to(torch::kCPU).contiguous());
        p.string(name);
        p.tensor(storages.back(), std::to_string(storages.size() - 1));
    }
    p.setItems();
    p.setItems();
    return p.finish();
}

} // namespace

Status writeCheckpointFile(const std::string& path, const NamedTensors& entries,
                           const std::vector<std::pair<std::string, MetaValue>>& meta)
{
    // A temporary file in the same folder, synced, renamed over the target, and the folder synced: a crash or a
    // full disk leaves the old file or the new one, never half of one, and the name is durable on return.
    std::string temporary = path + ".tmp-XXXXXX";
    int fd = -1;
    std::unique_ptr<caffe2::serialize::PyTorchStreamWriter> writer;
    auto cleanUp = [&] {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
        ::unlink(temporary.c_str());
    };
    try {
        std::vector<torch::Tensor> storages;
        const std::string pickle = checkpointPickle(entries, meta, storages);
        fd = ::mkstemp(temporary.data());
        if (fd < 0)
            return Status::failure(path + ": cannot write the file (" + errnoText(errno) + ")");
        ::fchmod(fd, 0644);
        DurableFile file{fd};
        writer = std::make_unique<caffe2::serialize::PyTorchStreamWriter>([&file](const void* data, size_t size) -> size_t {
            file.write(data, size);
            return size;
        });
        writer->writeRecord("data.pkl", pickle.data(), pickle.size());
        for (size_t i = 0; i < storages.size(); ++i)
            writer->writeRecord("data/" + std::to_string(i), storages[i].data_ptr(), storages[i].nbytes());
        writer->writeEndOfFile();
        writer.reset();
        if (file.firstError != 0) {
            const int error = file.firstError;
            cleanUp();
            return Status::failure(path + ": writing failed (" + errnoText(error) + ")");
        }
        if (::fsync(fd) != 0) {
            const int error = errno;
            cleanUp();
            return Status::failure(path + ": syncing the file failed (" + errnoText(error) + ")");
        }
        if (::close(fd) != 0) {
            fd = -1;
            const int error = errno;
            cleanUp();
            return Status::failure(path + ": closing the file failed (" + errnoText(error) + ")");
        }
        fd = -1;
        if (::rename(temporary.c_str(), path.c_str()) != 0) {
            const int error = errno;
            cleanUp();
            return Status::failure(path + ": cannot replace the file (" + errnoText(error) + ")");
        }
        const int folder = ::open(parentFolder(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (folder >= 0) {
            const int synced = ::fsync(folder);
            const int error = errno;
            ::close(folder);
            if (synced != 0 && error != EINVAL) // some file systems cannot sync a folder
                return Status::failure(path + ": syncing its folder failed (" + errnoText(error) + ")");
        }
        return Status::success();
    } catch (const std::exception& e) {
        // The zip writer finishes the archive in its destructor, which may throw again after a failure: it is
        // leaked on this path rather than allowed to end the process.
        (void)writer.release();
        cleanUp();
        const c10::Error* torchError = dynamic_cast<const c10::Error*>(&e);
        return Status::failure(path + ": " + oneLine(torchError ? torchError->what_without_backtrace() : e.what()));
    }
}

} // namespace mas::model::detail
