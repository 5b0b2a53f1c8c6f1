// The clip cutter of `export mmaction --clips`: core/video's frame-exact extractClip.
// The video engine's implementation file may land after this one; until it does, this build has no
// cutter (checked at compile time, so the library links either way).
#include "exchange/ProjectExchange.h"

#if __has_include("video/ClipExtractor.cpp")
#include "video/ClipExtractor.h"
#define MAS_EXCHANGE_HAVE_CLIP_EXTRACTOR 1
#endif

namespace mas::exchange {

ClipCutter defaultClipCutter()
{
#ifdef MAS_EXCHANGE_HAVE_CLIP_EXTRACTOR
    return [](const QString& source, int64_t start, int64_t end, const QString& output, const std::atomic_bool* cancel) -> Status {
        VideoResult<ClipExtractResult> r = extractClip(source, int(start), int(end), output, {}, cancel);
        if (!r.ok())
            return Error{r.error()};
        return Status::success();
    };
#else
    return {};
#endif
}

} // namespace mas::exchange
