package io.tlsscope.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.tlsscope.api.EventViews;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Delivers each alert to every configured webhook as an HTTP POST of its JSON (the same object as
 * on the event stream). Each webhook has its own bounded queue (oldest dropped and counted when full)
 * and its own delivery thread, so a slow or dead receiver delays nothing but its own deliveries.
 * An attempt that fails (no connection, timeout, a status other than 2xx) is retried with doubling
 * waits; an alert whose attempts all fail is counted (webhook.failed) and logged. Thread-safe.
 */
@ApplicationScoped
public class Webhooks {
    private static final Logger LOG = Logger.getLogger(Webhooks.class);

    private final AlertsConfig.Webhooks config;
    private final EventViews views;
    private final ObjectMapper json;
    private final List<Receiver> receivers = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final HttpClient http;

    public Webhooks(AlertsConfig config, EventViews views, ObjectMapper json) {
        this.config = config.webhooks();
        this.views = views;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(this.config.timeout()).build();
        for (URI url : this.config.urls().orElse(List.of())) {
            receivers.add(new Receiver(url));
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        receivers.forEach(Receiver::stop);
    }

    /** Queues the alert for every webhook; never blocks. */
    public void send(AlertEvent alert) {
        if (receivers.isEmpty()) {
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(views.of(alert));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("serialise alert", impossible);
        }
        receivers.forEach(receiver -> receiver.offer(body));
    }

    /** One webhook: its queue and its delivery thread (started with the first alert). */
    private final class Receiver {
        private final URI url;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private Thread worker;
        private boolean stopped;
        /** Whether the last delivery failed: the log says when a webhook starts and stops failing, not every failure. */
        private boolean failing;

        Receiver(URI url) {
            this.url = url;
        }

        synchronized void offer(byte[] body) {
            if (stopped) {
                return;
            }
            if (queue.size() >= config.queue()) {
                queue.pollFirst();
                dropped.incrementAndGet();
            }
            queue.addLast(body);
            if (worker == null) {
                worker = Thread.ofVirtual().name("tlsscope-webhook").start(this::deliverAll);
            }
            notifyAll();
        }

        private synchronized byte[] next() throws InterruptedException {
            while (queue.isEmpty() && !stopped) {
                wait();
            }
            return stopped ? null : queue.pollFirst();
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
        }

        private void deliverAll() {
            try {
                for (byte[] body = next(); body != null; body = next()) {
                    deliver(body);
                }
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        }

        private void deliver(byte[] body) throws InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(config.timeout())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            config.authorization().ifPresent(value -> request.header("Authorization", value));
            Duration wait = config.backoff();
            String lastProblem = "";
            for (int attempt = 1; attempt <= Math.max(1, config.attempts()); attempt++) {
                if (attempt > 1) {
                    retries.incrementAndGet();
                    Thread.sleep(wait);
                    wait = wait.multipliedBy(2);
                }
                try {
                    int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status / 100 == 2) {
                        delivered.incrementAndGet();
                        if (failing) {
                            failing = false;
                            LOG.infof("webhook %s: delivering again", url);
                        }
                        return;
                    }
                    lastProblem = "HTTP " + status;
                } catch (IOException e) {
                    lastProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
            }
            failed.incrementAndGet();
            if (!failing) {
                failing = true;
                LOG.warnf("webhook %s: an alert could not be delivered after %d attempts (%s); this and further failures are "
                        + "counted in webhook.failed", url, config.attempts(), lastProblem);
            } else {
                LOG.debugf("webhook %s: delivery failed (%s)", url, lastProblem);
            }
        }
    }

    public long delivered() {
        return delivered.get();
    }

    public long failed() {
        return failed.get();
    }

    public long retries() {
        return retries.get();
    }

    public long dropped() {
        return dropped.get();
    }
}
