package io.tlsscope.rules;

import java.util.List;

/** A rules file: {@code rules:} followed by the list of rules. */
public record RulesDocument(List<RuleDefinition> rules) {
    public RulesDocument {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}
