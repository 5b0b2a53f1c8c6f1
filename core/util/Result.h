#pragma once
// Errors as values: a failed operation says what went wrong in words a user can act on
// (naming the file and the problem), instead of a bool plus a log line.
#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace mas {

struct Error {
    QString message;
};

template <typename T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_value(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<T>(m_value); }
    T& value() & { return std::get<T>(m_value); }
    T&& value() && { return std::get<T>(std::move(m_value)); }
    const T* operator->() const { return &std::get<T>(m_value); }
    T* operator->() { return &std::get<T>(m_value); }
    // Empty when ok (so it can be evaluated eagerly, as QVERIFY2 does with its message).
    QString error() const { return ok() ? QString() : std::get<Error>(m_value).message; }

private:
    std::variant<T, Error> m_value;
};

// For operations with nothing to return but success.
class Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error.message)) {}
    static Status success() { return {}; }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    QString error() const { return m_error.value_or(QString()); }

private:
    std::optional<QString> m_error;
};

} // namespace mas
