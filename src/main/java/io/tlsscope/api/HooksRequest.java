package io.tlsscope.api;

import jakarta.validation.constraints.NotNull;

/** Body of PUT /api/v1/hooks/go and /api/v1/hooks/go/{inode}. */
public record HooksRequest(@NotNull(message = "must be true or false") Boolean enabled) {
}
