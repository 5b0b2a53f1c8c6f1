#pragma once
// Process-wide allocator setting for MANet inference (no torch here).

namespace mas::model::detail {

// glibc serves blocks above its mmap threshold (128 KiB to 32 MiB) with fresh mappings and unmaps them on free,
// so every activation of every forward pass (up to 200 MB at batch 8) is page-faulted in anew: 15-30% of a
// MANet forward on 2 cores. Keeping them in the heap (and keeping up to 1 GiB of freed heap instead of
// returning it at once) lets the next pass reuse the same pages. Called once, when the first model is made.
void keepLargeAllocationsInHeap();

} // namespace mas::model::detail
