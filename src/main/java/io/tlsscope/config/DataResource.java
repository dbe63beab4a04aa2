package io.tlsscope.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a JSON data file shipped in the application (layouts, offsets), strictly: unknown fields fail. */
public final class DataResource {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private DataResource() {
    }

    public static <T> T read(String resource, Class<T> type) {
        try (InputStream in = DataResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the application");
            }
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + resource + ": " + e.getMessage(), e);
        }
    }
}
