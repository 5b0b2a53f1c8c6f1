#pragma once
// Errors of the video engine as values. End of stream is kept apart from real failures, and a
// failure carries FFmpeg's own error text next to the file name.
#include "util/Result.h"

#include <QString>

#include <utility>
#include <variant>

namespace mas {

enum class VideoErrorKind {
    EndOfStream,   // asked past the last frame, or the stream ended: not a failure of the file
    OutOfRange,    // a frame index or time outside 0..N-1
    OpenFailed,    // missing, empty, not a media file, no video stream, no decoder
    DecodeFailed,  // the file is damaged where it was read
    Timeout,       // the watchdog stopped a read (deadline or packet cap)
    Cancelled,     // the caller's cancel flag was raised
    WriteFailed,   // extraction / cache files
};

struct VideoError {
    VideoErrorKind kind = VideoErrorKind::DecodeFailed;
    QString message;  // names the file and the problem (FFmpeg's words in parentheses)
    int ffmpegCode = 0; // the AVERROR value when FFmpeg reported one
};

template <typename T>
class VideoResult {
public:
    VideoResult(T value) : m_value(std::move(value)) {}
    VideoResult(VideoError error) : m_value(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<T>(m_value); }
    T& value() & { return std::get<T>(m_value); }
    T&& value() && { return std::get<T>(std::move(m_value)); }
    const T* operator->() const { return &std::get<T>(m_value); }
    T* operator->() { return &std::get<T>(m_value); }

    // Empty when ok.
    QString error() const { return ok() ? QString() : std::get<VideoError>(m_value).message; }
    const VideoError& videoError() const { return std::get<VideoError>(m_value); }
    bool isEndOfStream() const { return !ok() && videoError().kind == VideoErrorKind::EndOfStream; }

    // For callers that only need the project-wide Result.
    Result<T> toResult() && { return ok() ? Result<T>(std::get<T>(std::move(m_value))) : Result<T>(Error{error()}); }

private:
    std::variant<T, VideoError> m_value;
};

struct VideoOk {};
using VideoStatus = VideoResult<VideoOk>;

} // namespace mas
