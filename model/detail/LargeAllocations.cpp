#include "detail/LargeAllocations.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mas::model::detail {

void keepLargeAllocationsInHeap()
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

} // namespace mas::model::detail
