package io.tlsscope.cli;

import io.tlsscope.security.Role;
import io.tlsscope.security.TokenHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsscope token --role admin}: a new API token, and the line that grants it (only its hash). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Creates an API token: prints the token (give it to the client) and the line to add to "
                + "the tokens file or TLSSCOPE_AUTH_TOKENS (only its SHA-256).")
public class TokenCommand implements Runnable {
    @Option(names = "--role", required = true, description = "viewer (reads and event stream) or admin (also changes): ${COMPLETION-CANDIDATES}",
            converter = RoleConverter.class, completionCandidates = RoleNames.class)
    Role role;

    @Override
    public void run() {
        String token = TokenHash.newToken();
        System.out.println("token: " + token);
        System.out.println("line:  " + TokenHash.configLine(role, token));
    }

    /** Accepts the lower-case role names used in the configuration. */
    static final class RoleConverter implements picocli.CommandLine.ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            return Role.parse(value).orElseThrow(() -> new picocli.CommandLine.TypeConversionException(
                    "role must be viewer or admin, was '" + value + "'"));
        }
    }

    static final class RoleNames extends java.util.ArrayList<String> {
        RoleNames() {
            super(java.util.List.of("viewer", "admin"));
        }
    }
}
