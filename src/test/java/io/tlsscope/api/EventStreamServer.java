package io.tlsscope.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tlsscope.config.TlsscopeConfig;
import io.tlsscope.events.EventBus;
import io.tlsscope.host.HostIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * GET /api/v1/events served by the production {@link EventsRoute} on a real Vert.x HTTP server on
 * loopback, over a real {@link EventBus}, without Quarkus, the kernel or access control: for tests
 * and benchmarks of the stream itself.
 */
final class EventStreamServer implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final EventBus bus;
    private final HttpServer server;

    /** @param settings tlsscope.* properties besides their defaults */
    EventStreamServer(Map<String, String> settings) throws ExecutionException, InterruptedException {
        TlsscopeConfig config = new SmallRyeConfigBuilder().withMapping(TlsscopeConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "test settings", 500))
                .build().getConfigMapping(TlsscopeConfig.class);
        bus = new EventBus(config);
        ObjectMapper json = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build(); // as the service's
        EventJson events = new EventJson(new EventViews(new HostIdentity("4f1c5a0e9b2d4c6f8a1b3c5d7e9f0a2b", "test-host")), json);
        Router router = Router.router(vertx);
        new EventsRoute(bus, events, json, config).register(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    EventBus bus() {
        return bus;
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws ExecutionException, InterruptedException {
        vertx.close().toCompletionStage().toCompletableFuture().get();
        bus.close();
    }
}
