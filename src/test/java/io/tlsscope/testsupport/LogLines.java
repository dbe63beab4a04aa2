package io.tlsscope.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Log lines while captured, formatted: the service's own categories (io.tlsscope) at every level,
 * debug included, and everything else at its configured level.
 */
public final class LogLines implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Logger service = Logger.getLogger("io.tlsscope");
    private final Level previousLevel = service.getLevel();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogLines() {
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        service.setLevel(Level.ALL);
    }

    public static LogLines capture() {
        return new LogLines();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        service.setLevel(previousLevel);
    }
}
