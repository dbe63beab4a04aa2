package io.tlsscope.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Whether something listens on a TCP port, from /proc/net/tcp (without connecting to it). */
public final class ListeningPorts {
    private static final String LISTEN = "0A";

    private ListeningPorts() {
    }

    public static boolean isListening(int port) {
        String local = ":" + String.format(Locale.ROOT, "%04X", port);
        try {
            return Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1)
                    .map(line -> line.trim().split("\\s+"))
                    .anyMatch(fields -> fields[1].endsWith(local) && fields[3].equals(LISTEN));
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/net/tcp: " + e.getMessage(), e);
        }
    }
}
