package io.tlsscope.api;

import jakarta.validation.constraints.NotBlank;

/** Body of PUT /api/v1/libraries/{inode}/layout. */
public record LayoutRequest(@NotBlank(message = "name a layout from GET /api/v1/layouts") String layout) {
}
