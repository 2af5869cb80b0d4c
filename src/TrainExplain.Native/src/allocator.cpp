// Heap tuning for libtorch's CPU buffers, applied once when the shim is loaded.
//
// Every forward and backward pass frees and allocates activation-sized buffers (a [64, 32, 26, 26] float map is
// 5.5 MB). With glibc's defaults those blocks go back to the kernel (munmap, or a heap trim) as soon as they are freed
// and are faulted in again, page by page, on the next pass: on this project's VMs that cost about 25 ms per conv2d
// forward+backward that otherwise takes 0.6 ms. Keeping blocks up to 32 MiB in the heap, and trimming the heap only
// past 256 MiB of free space, turns those passes back into reuse of warm memory. A user's own MALLOC_MMAP_THRESHOLD_
// or MALLOC_TRIM_THRESHOLD_ wins.
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>

namespace {

struct HeapTuning {
    HeapTuning() {
        if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr && std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) {
            mallopt(M_MMAP_THRESHOLD, 32 << 20);
            mallopt(M_TRIM_THRESHOLD, 256 << 20);
        }
    }
};

const HeapTuning heapTuning;

}  // namespace
#endif
