package io.tlsscope.rules.api;

import java.util.List;

/** Answer of POST /api/v1/rules/validate: the rules compile; their ids. */
public record ValidationResponse(boolean valid, List<String> rules) {
}
