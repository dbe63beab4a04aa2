package io.tlsscope.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tlsscope.kernel.UserMemoryReads;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Service settings, prefix {@code tlsscope}; every property has a default. */
@ConfigMapping(prefix = "tlsscope")
public interface TlsscopeConfig {

    Tracer tracer();

    Capture capture();

    Sse sse();

    Go go();

    Auth auth();

    Scope scope();

    interface Tracer {
        /** Load the BPF object and trace the host. Off for one-shot CLI commands. */
        @WithDefault("true")
        boolean enabled();

        /** Ring buffer size in bytes: a power of two, at least one page. */
        @WithDefault("16777216")
        int ringBufferBytes();

        /**
         * After an exec, when to scan the process: at once for its executable; libraries are found
         * when the kernel reports their mapping, and the later scan is the safety net for a lost record.
         */
        @WithDefault("0ms,2s")
        List<Duration> execRescanDelays();

        /** How long a library nobody uses any more keeps its probes, so short-lived processes do not cause churn. */
        @WithDefault("30s")
        Duration detachGrace();

        /**
         * How return probes read the bytes of a call: copy (sleepable probes that fault pages in,
         * Linux 6.16+), probe-read (no page faults: a page not resident loses its chunk, counted),
         * or auto (copy where the kernel has it).
         */
        @WithDefault("auto")
        UserMemoryReads userMemoryReads();
    }

    interface Capture {
        /** Plaintext captured per SSL call; the rest is counted as truncated. */
        @WithDefault("262144")
        int maxBytesPerCall();

        /**
         * Response bytes (server to client) captured whole per request/response exchange of a
         * recognised database connection; beyond it each response call gives only its last
         * response-tail-bytes, where the outcome is. The skipped bytes are counted
         * (kernel.budgeted.bytes). 0 captures responses whole, like requests.
         */
        @WithDefault("16384")
        int responseBudgetBytes();

        /** Last bytes captured of each response call beyond the response budget (1..16384). */
        @WithDefault("512")
        int responseTailBytes();
    }

    interface Sse {
        /**
         * How far an SSE client may fall behind the newest event, counted in events of every type
         * (its filters apply as it reads): what lies beyond is skipped, and the skipped events its
         * filters accept are counted as dropped. At most half of replay-events (a larger value is cut
         * to that), so that what a client skips is still kept to be checked against its filters.
         */
        @WithDefault("32768")
        int clientBufferEvents();

        /**
         * Latest events the bus keeps, for every subscriber (SSE clients, sinks) to read at its own
         * pace and for clients that resume with Last-Event-ID; older ones are reported as missed.
         */
        @WithDefault("65536")
        int replayEvents();

        /** ... and at most this many bytes of them (captured data plus about 256 bytes per event). */
        @WithDefault("67108864")
        long replayBytes();
    }

    interface Auth {
        /**
         * Bearer tokens, each {@code role:sha256:<hex of the token's SHA-256>} (role viewer or admin):
         * only hashes are configured. Added to those of the tokens file.
         */
        java.util.Optional<List<String>> tokens();

        /** One {@code role:sha256:<hex>} per line ('#' comments); created with an admin token if missing. */
        @WithDefault("/etc/tlsscope/tokens")
        java.nio.file.Path tokensFile();

        /** Create the tokens file with a fresh admin token (printed once) when no token is configured. */
        @WithDefault("true")
        boolean createFirstToken();
    }

    /**
     * Which processes are traced: those that match any entry of any list. Nothing listed (the
     * default): every process. Other processes are left at the entry of each TLS call, in the kernel.
     */
    interface Scope {
        /** Absolute paths of executables (matched by the file's device and inode, resolved at start). */
        Optional<List<String>> executables();

        /** Process names as /proc/PID/comm shows them (1..15 bytes). */
        Optional<List<String>> comms();

        /** cgroup v2 paths as /proc/PID/cgroup shows them: a process in the cgroup or below it is traced. */
        Optional<List<String>> cgroups();

        /** User names (from /etc/passwd) or numeric uids. */
        Optional<List<String>> users();
    }

    interface Go {
        /** Probe Go executables' crypto/tls at start; switchable at runtime through the tracer. */
        @WithDefault("true")
        boolean hooksEnabled();
    }
}
