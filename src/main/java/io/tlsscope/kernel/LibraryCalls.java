package io.tlsscope.kernel;

/**
 * What became of the SSL (or Go crypto/tls) calls made through one library, as the kernel counted
 * them (struct tlsscope_library_calls): every return seen with its entry state is in seen and then
 * in exactly one of the other four, so {@code seen == captured + dropped + readFailed + failed} while
 * no call is between the two steps.
 *
 * @param seen        returns seen with their entry state
 * @param captured    calls whose every record was emitted
 * @param dropped     calls that lost a record to a full ring buffer
 * @param readFailed  calls with a chunk the kernel could not read from the process's memory
 * @param failed      calls that returned an error or moved nothing (no data to capture)
 * @param sharedSlot  another attached library counts in the same slot (ids {@value io.tlsscope.bpf.abi.KernelAbi#LIBRARY_SLOTS}
 *                    apart): the numbers are then both libraries' together
 */
public record LibraryCalls(long seen, long captured, long dropped, long readFailed, long failed, boolean sharedSlot) {

    LibraryCalls minus(LibraryCalls earlier) {
        return new LibraryCalls(seen - earlier.seen, captured - earlier.captured, dropped - earlier.dropped,
                readFailed - earlier.readFailed, failed - earlier.failed, sharedSlot);
    }

    LibraryCalls shared(boolean shared) {
        return new LibraryCalls(seen, captured, dropped, readFailed, failed, shared);
    }
}
