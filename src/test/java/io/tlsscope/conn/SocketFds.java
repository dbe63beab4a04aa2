package io.tlsscope.conn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The socket fds of a process: fd number to socket inode, from the links in /proc/PID/fd. */
public final class SocketFds {
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

    private SocketFds() {
    }

    public static Map<Integer, Long> of(Path procRoot, int pid) {
        Map<Integer, Long> sockets = new HashMap<>();
        try (Stream<Path> fds = Files.list(procRoot.resolve(Integer.toString(pid)).resolve("fd"))) {
            fds.forEach(fd -> {
                try {
                    Matcher matcher = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (matcher.matches()) {
                        sockets.put(Integer.parseInt(fd.getFileName().toString()), Long.parseLong(matcher.group(1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the fd went away between list and readlink
                }
            });
        } catch (IOException | java.io.UncheckedIOException processGone) {
            return Map.of();
        }
        return sockets;
    }
}
