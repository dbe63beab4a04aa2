package io.tlsscope.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads and writes rules files (YAML, strict: unknown fields are errors with their line). */
public final class RulesYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private RulesYaml() {
    }

    /** Parses a rules document; a syntax or shape error names the line and column in the text. */
    public static RulesDocument parse(String text) throws RuleRejected {
        if (text.isBlank()) {
            return new RulesDocument(null);
        }
        try {
            RulesDocument document = YAML.readValue(text, RulesDocument.class);
            return document == null ? new RulesDocument(null) : document;
        } catch (JsonProcessingException invalid) {
            JsonLocation at = invalid.getLocation();
            String field = invalid instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                    ? path(mapping) : "file";
            throw new RuleRejected(null, field, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    invalid.getOriginalMessage());
        }
    }

    /** rules[2].suppress.window style. */
    private static String path(JsonMappingException mapping) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            }
        }
        return path.toString();
    }

    public static String write(RulesDocument document) {
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("write rules as YAML", impossible);
        }
    }

    /** The built-in pack shipped in the application. */
    public static RulesDocument builtIn() {
        try (InputStream in = RulesYaml.class.getResourceAsStream("/rules/builtin.yaml")) {
            if (in == null) {
                throw new IllegalStateException("resource /rules/builtin.yaml missing from the application");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("read the built-in rules", e);
        } catch (RuleRejected broken) {
            throw new IllegalStateException("the built-in rules do not parse: " + broken.getMessage(), broken);
        }
    }
}
