package io.tlsscope.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * A request body that names a property twice ({"enabled": false, "enabled": true}) is refused as
 * malformed JSON (400) instead of one of the values winning silently; before, such a body reached
 * the record's constructor twice and failed there as a server error (500).
 */
@Singleton
public class StrictJsonInput implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper json) {
        json.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    }
}
