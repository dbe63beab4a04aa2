package io.tlsscope.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's table of rule variables names every variable rules can use, and the built-in rules. */
class ReadmeVariablesTest {

    @Test
    void everyVariableAndBuiltInRuleIsDocumented() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String variables = readme.substring(readme.indexOf("**Variables**"), readme.indexOf("*What is known when.*"));
        for (RuleVariables.Variable variable : RuleVariables.all()) {
            assertThat(variables).as("README variables table").contains("`" + variable.name() + "`");
        }
        List<String> builtIn = RulesYaml.builtIn().rules().stream().map(RuleDefinition::id).toList();
        String rules = readme.substring(readme.indexOf("**Built-in rules**"), readme.indexOf("**Alerts**"));
        for (String id : builtIn) {
            assertThat(rules).as("README built-in rules table").contains("| `" + id + "` |");
        }
    }
}
