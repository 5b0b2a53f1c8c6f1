#pragma once
// Errors as values for model/ (core's Result.h is Qt; model/ is LibTorch only).
// Messages name the file and the problem, e.g. "model.pth: key backbone.conv1.conv.weight has shape [64,3,7,7], expected [64,3,3,3]".
#include <optional>
#include <string>
#include <utility>

namespace mas::model {

class Status {
public:
    Status() = default;
    static Status success() { return {}; }
    static Status failure(std::string message)
    {
        Status s;
        s.m_error = std::move(message);
        return s;
    }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    // Empty when ok.
    const std::string& error() const
    {
        static const std::string none;
        return m_error ? *m_error : none;
    }

private:
    std::optional<std::string> m_error;
};

template <typename T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Status failed) : m_error(failed.error()) {}
    static Result failure(std::string message) { return Result(Status::failure(std::move(message))); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return *m_value; }
    T& value() & { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    const T* operator->() const { return &*m_value; }
    T* operator->() { return &*m_value; }
    const std::string& error() const { return m_error; }
    Status status() const { return ok() ? Status::success() : Status::failure(m_error); }

private:
    std::optional<T> m_value;
    std::string m_error;
};

} // namespace mas::model
