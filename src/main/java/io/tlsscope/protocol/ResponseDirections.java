package io.tlsscope.protocol;

import io.tlsscope.bpf.abi.Direction;

/**
 * Where the protocol stage says which direction of a recognised connection carries the server's
 * responses, as seen from the traced process (WRITE on the server, READ on the client): the kernel
 * applies its response budget to that direction from then on.
 */
public interface ResponseDirections {
    /** Nowhere: every call stays captured up to the per-call limit. */
    ResponseDirections NONE = (connectionId, response) -> { };

    void responseDirection(long connectionId, Direction response);
}
