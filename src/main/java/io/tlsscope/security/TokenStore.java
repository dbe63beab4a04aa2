package io.tlsscope.security;

import io.quarkus.runtime.StartupEvent;
import io.tlsscope.config.TlsscopeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The accepted bearer tokens, as hashes with their roles: from {@code tlsscope.auth.tokens} and the
 * tokens file. A malformed entry is skipped with a warning naming its place (never the whole
 * line: it might be a pasted token). With no token at all, the service (and only the service: not
 * a one-shot command such as {@code version} or {@code inspect}, whose output may go elsewhere)
 * creates a first admin token in the tokens file and prints it once, so a fresh installation is
 * usable and never open.
 */
@ApplicationScoped
public class TokenStore {
    private static final Logger LOG = Logger.getLogger(TokenStore.class);

    /** One accepted token: its hash, role, and a short id for audit lines (first 8 hex digits of the hash). */
    public record Grant(byte[] hash, Role role, String id) {
    }

    private final TlsscopeConfig config;
    private final int port;
    private volatile List<Grant> grants = List.of();

    public TokenStore(TlsscopeConfig config, @ConfigProperty(name = "quarkus.http.port") int port) {
        this.config = config;
        this.port = port;
    }

    void onStart(@Observes StartupEvent start) {
        load();
    }

    /**
     * For the service: when no token is configured anywhere and the tokens file does not exist,
     * creates it with an admin token printed once (unless tlsscope.auth.create-first-token is false).
     */
    public synchronized void ensureFirstToken() {
        Path file = config.auth().tokensFile();
        if (grants.isEmpty() && !Files.exists(file) && config.auth().createFirstToken()) {
            createFirstToken(file);
            load();
        }
        if (grants.isEmpty()) {
            warnNoToken(file);
        }
    }

    synchronized void load() {
        List<Grant> loaded = new ArrayList<>();
        config.auth().tokens().orElse(List.of()).forEach(entry -> parse(entry, "tlsscope.auth.tokens").ifPresent(loaded::add));
        Path file = config.auth().tokensFile();
        if (Files.isReadable(file)) {
            try {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (!line.isEmpty() && !line.startsWith("#")) {
                        parse(line, file + " line " + (i + 1)).ifPresent(loaded::add);
                    }
                }
            } catch (IOException e) {
                LOG.warnf("cannot read the tokens file %s: %s", file, e.getMessage());
            }
        }
        grants = List.copyOf(loaded);
    }

    private static void warnNoToken(Path file) {
        LOG.warnf("no API token configured: every /api/v1 request is refused (401). Create one with "
                + "`tlsscope token --role admin` and add its line to %s or to TLSSCOPE_AUTH_TOKENS", file);
    }

    /** The grant of a presented token, compared by hash in constant time. */
    public Optional<Grant> find(String token) {
        byte[] presented = TokenHash.sha256(token);
        Grant found = null;
        for (Grant grant : grants) {
            if (MessageDigest.isEqual(grant.hash(), presented)) {
                found = grant;
            }
        }
        return Optional.ofNullable(found);
    }

    private static Optional<Grant> parse(String entry, String where) {
        String[] parts = entry.strip().split(":");
        Optional<Role> role = parts.length == 3 ? Role.parse(parts[0]) : Optional.empty();
        if (role.isEmpty() || !parts[1].equals("sha256") || !parts[2].matches("[0-9a-fA-F]{64}")) {
            LOG.warnf("ignoring the token entry at %s: expected role:sha256:<64 hex digits> with role viewer or admin", where);
            return Optional.empty();
        }
        byte[] hash = HexFormat.of().parseHex(parts[2].toLowerCase(java.util.Locale.ROOT));
        return Optional.of(new Grant(hash, role.get(), parts[2].substring(0, 8).toLowerCase(java.util.Locale.ROOT)));
    }

    private void createFirstToken(Path file) {
        String token = TokenHash.newToken();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    "# tlsscope API tokens: role:sha256:<hex of the token's SHA-256>, one per line\n"
                            + TokenHash.configLine(Role.ADMIN, token) + "\n");
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("cannot create the tokens file %s: %s", file, e);
            return;
        }
        // printed once, to the console only: the file keeps just its hash
        System.out.println("tlsscope: created " + file + " with an admin API token (shown only now): " + token);
        System.out.println("tlsscope: call the API with  curl -H 'Authorization: Bearer " + token + "' http://127.0.0.1:" + port
                + "/api/v1/libraries");
    }
}
