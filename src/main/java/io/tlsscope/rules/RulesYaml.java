package io.tlsscope.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            int line = at == null ? 0 : at.getLineNr();
            int column = at == null ? 0 : at.getColumnNr();
            if (invalid instanceof UnrecognizedPropertyException unknown) {
                // a rule's fields are read whole before they are matched: the parser is at the rule's end by now
                int[] found = lineOf(text, unknown.getPropertyName());
                line = found[0] > 0 ? found[0] : line;
                column = found[0] > 0 ? found[1] : column;
            }
            throw new RuleRejected(null, field, line, column, invalid.getOriginalMessage());
        }
    }

    /** 1-based line and column of the first "name:" key in text, or {0, 0}. */
    private static int[] lineOf(String text, String name) {
        String[] lines = text.split("\n", -1);
        Pattern key = Pattern.compile("^(\\s*(?:-\\s+)?)" + Pattern.quote(name) + "\\s*:");
        for (int i = 0; i < lines.length; i++) {
            Matcher matcher = key.matcher(lines[i]);
            if (matcher.find()) {
                return new int[] {i + 1, matcher.group(1).length() + 1};
            }
        }
        return new int[] {0, 0};
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
